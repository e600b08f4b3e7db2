using ResilientSse.Executions;
using ResilientSse.Streaming;

namespace ResilientSse.Watcher;

/// <summary>
/// Sets the library's <c>FirstContactBudget</c> (on <see cref="ExecutionWatcherOptions"/> and <see cref="SseClientOptions"/>)
/// where the library has it, so that the library and <see cref="FirstContactGuard"/> give up at the same moment and a
/// <c>--give-up-after</c> shorter than the library's default stays valid.
/// </summary>
/// <remarks>
/// Once every supported version of the library has the option, these become plain assignments. The lookups name the
/// type and the property as constants, which the trimmer and the native compiler follow without a warning.
/// </remarks>
internal static class FirstContactBudget
{
    private const string Name = "FirstContactBudget";

    public static void TrySet(ExecutionWatcherOptions options, TimeSpan budget) =>
        typeof(ExecutionWatcherOptions).GetProperty(Name)?.SetValue(options, budget);

    public static void TrySet(SseClientOptions options, TimeSpan budget) =>
        typeof(SseClientOptions).GetProperty(Name)?.SetValue(options, budget);
}
