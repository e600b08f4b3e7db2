using System.Diagnostics;

namespace ResilientSse.Diagnostics;

/// <summary>
/// Starts and stops the library's activities without touching the caller's <see cref="Activity.Current"/>: the
/// consumer's code never runs under an activity of the library, and after a loop <see cref="Activity.Current"/> is what
/// it was before. The library's own activities name their parent explicitly instead of relying on the ambient one,
/// which an async iterator does not keep across a <c>yield return</c>.
/// </summary>
internal static class LibraryActivity
{
    private static ActivitySource Source => LibraryTelemetry.Source;

    /// <summary>Starts an activity under <paramref name="parent"/> (or the caller's current activity) and leaves the caller's current activity as it was.</summary>
    public static Activity? Start(string name, Activity? parent = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        var activity = parent is null
            ? Source.StartActivity(name, ActivityKind.Client)
            : Source.StartActivity(name, ActivityKind.Client, parent.Context);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Stops <paramref name="activity"/> and leaves the caller's current activity as it was (stopping would otherwise set it).</summary>
    public static void Stop(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        var previous = Activity.Current;
        activity.Dispose();
        Activity.Current = previous;
    }
}
