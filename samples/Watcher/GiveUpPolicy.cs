using ResilientSse.Executions;
using ResilientSse.Streaming;

namespace ResilientSse.Watcher;

/// <summary>
/// How long a command keeps trying: <see cref="FirstContact"/> while the server has never answered, <see cref="Offline"/>
/// once it has. <c>--give-up-after</c> sets both; without it a server that is not there is given up on after 30s, one
/// that went away after the library's offline budget (10m).
/// </summary>
internal sealed record GiveUpPolicy(TimeSpan FirstContact, TimeSpan Offline)
{
    /// <summary>How long a command waits for a server that has never answered, unless <c>--give-up-after</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultFirstContact = TimeSpan.FromSeconds(30);

    /// <summary>Sets the watch's budgets from the settings and returns the policy in effect.</summary>
    public static GiveUpPolicy Apply(WatchSettings settings, ExecutionWatcherOptions options)
    {
        if (settings.GiveUpAfter is { } budget)
        {
            options.OfflineBudget = budget;
        }

        var policy = From(settings, options.OfflineBudget);
        options.FirstContactBudget = policy.FirstContact;
        return policy;
    }

    /// <summary>Sets the subscription's budgets from the settings and returns the policy in effect.</summary>
    public static GiveUpPolicy Apply(WatchSettings settings, SseClientOptions options)
    {
        if (settings.GiveUpAfter is { } budget)
        {
            options.OfflineBudget = budget;
        }

        var policy = From(settings, options.OfflineBudget);
        options.FirstContactBudget = policy.FirstContact;
        return policy;
    }

    /// <summary>The policy for a single request, such as starting an execution.</summary>
    public static GiveUpPolicy From(WatchSettings settings, TimeSpan offline)
    {
        var firstContact = settings.GiveUpAfter ?? DefaultFirstContact;
        return new GiveUpPolicy(firstContact < offline ? firstContact : offline, offline);
    }
}
