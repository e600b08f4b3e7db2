using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>What one watch produced: the items, how it ended, the server's log, and the proxy's log of its requests.</summary>
internal sealed record WatchRun(
    ChaosWatch Watch,
    string ExecutionId,
    IReadOnlyList<ExecutionEvent> Items,
    Exception? Error,
    IReadOnlyList<(long At, ExecutionWatchNotice Notice)> Notices,
    long StartedAt,
    long EndedAt,
    RawStream.Result? ServerLog,
    IReadOnlyList<ProxyExchange> Exchanges,
    bool ConnectionsReleased);

/// <summary>
/// The numbers the checks use. <see cref="DefaultRetry"/> is the wait owed before any <c>retry:</c> was seen (the
/// watcher's InitialReconnectDelay); <see cref="IdleTimeout"/> is the watcher's, which dates the end of a stall;
/// <see cref="PerFault"/> is what one fault may add to a watch (the longest wait it
/// can earn plus the longest timeout it can cost).
/// </summary>
internal sealed record ChaosRules(TimeSpan DefaultRetry, TimeSpan IdleTimeout, TimeSpan ClockSlack, TimeSpan PerFault, TimeSpan BoundSlack);

/// <summary>A broken promise, under the name of the rule (the totals count by it) and the evidence.</summary>
internal sealed record Violation(string Rule, string Evidence);
