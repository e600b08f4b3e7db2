using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>The checks of one watch (CONTRACT §3.1, §3.2, §3.4, §3.6 and the time bound), with the numbers the totals add up.</summary>
internal sealed class WatchReport
{
    public const string Error = "watch failed (exception)";
    public const string Lost = "(a) lost event (silently)";
    public const string Duplicate = "(a) duplicated event";
    public const string Reordered = "(a) reordered event";
    public const string Invented = "(a) invented or altered event";
    public const string Terminal = "(b) not exactly one terminal, last";
    public const string Gap = "(c) gap reported";
    public const string RetryAfterStream = "(d) Retry-After of a stream refusal not honoured";
    public const string RetryAfterSnapshot = "(d) Retry-After of a snapshot refusal not honoured";
    public const string EarlyWithoutEvents = "(d) early reconnect after a fault that delivered no event";
    public const string SecondFastResume = "(d) second early reconnect with no connection up for retry: in between";
    public const string Slow = "(e) watch slower than its bound";
    public const string Held = "connection not released after the watch";
    public const string Unverifiable = "server log unavailable";

    private WatchReport(WatchRun run) => Run = run;

    public WatchRun Run { get; }

    public List<Violation> Violations { get; } = [];

    public TimeSpan Duration => Stopwatch.GetElapsedTime(Run.StartedAt, Run.EndedAt);

    public TimeSpan Bound { get; private set; }

    public int EventsDelivered { get; private set; }

    public int LostEvents { get; private set; }

    public int Duplicates { get; private set; }

    public int Reorders { get; private set; }

    public int InventedEvents { get; private set; }

    public int GapItems { get; private set; }

    public long GapIds { get; private set; }

    /// <summary>Gets how many stream refusals the watcher abandoned by its idle timeout before their answer reached it.</summary>
    public int UnreadRefusals { get; private set; }

    public int FaultsHit => Run.Exchanges.Count(e => e.Hits != FaultHits.None);

    public static WatchReport Judge(WatchRun run, ChaosRules rules)
    {
        var report = new WatchReport(run);
        report.CheckEvents();
        report.CheckOwedWaits(rules);
        report.CheckBound(rules);
        if (!run.ConnectionsReleased)
        {
            report.Add(Held, "a connection of the watch was still open at the proxy 6 s after the watch ended");
        }

        return report;
    }

    /// <summary>The failure message of this watch: how to replay it, its items, the proxy's log with the plans, the watcher's notices.</summary>
    public string Trace(int maxNotices = 40)
    {
        var origin = Run.StartedAt;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"watch {Run.Watch} execution {Run.ExecutionId}: {Duration.TotalSeconds:0.00}s (bound {Bound.TotalSeconds:0.00}s), {FaultsHit} faults hit; replay: {ChaosWatch.ReplayVariable}={Run.Watch.Key}");
        foreach (var violation in Violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ! {violation.Rule}: {violation.Evidence}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  yielded: {string.Join(' ', Run.Items.Select(Short))}{(Run.Error is { } error ? $" then {error.GetType().Name}: {error.Message}" : string.Empty)}");
        if (Run.ServerLog is { } log)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  server log: {log.Items.Count} events, last {(log.Items.Count > 0 ? log.Items[^1].Type : "-")}");
        }

        text.AppendLine("  proxy log (ms after the watch started; LEI = Last-Event-ID):");
        foreach (var exchange in Run.Exchanges)
        {
            text.AppendLine("    " + exchange.Describe(origin));
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  watcher notices ({Math.Min(maxNotices, Run.Notices.Count)} of {Run.Notices.Count}):");
        foreach (var (at, notice) in Run.Notices.Take(maxNotices))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    +{ProxyExchange.Ms(origin, at),6} {notice.Kind}: {notice.Message}");
        }

        return text.ToString();
    }

    private static string Short(ExecutionEvent item) => item.Kind == ExecutionEventKind.Gap
        ? $"[gap {item.MissingFrom}..{item.MissingTo}]"
        : item.IsTerminal ? $"T{item.Id ?? "(" + item.Source.ToString().ToLowerInvariant() + ")"}:{item.Status}" : item.Id ?? "?";

    private void Add(string rule, string evidence) => Violations.Add(new Violation(rule, evidence));

    /// <summary>(a) no lost, duplicated, reordered or invented event; (b) one terminal, last; (c) no gap.</summary>
    private void CheckEvents()
    {
        if (Run.Error is { } error)
        {
            Add(Error, $"{error.GetType().Name}: {error.Message}");
        }

        if (Run.ServerLog is not { Status: System.Net.HttpStatusCode.OK, EndedCleanly: true, Items.Count: > 0 } log)
        {
            Add(Unverifiable, $"the direct GET of the log answered {Run.ServerLog?.Status}");
            return;
        }

        var logById = log.Items.ToDictionary(i => long.Parse(i.Id, CultureInfo.InvariantCulture));
        var terminalInLog = log.Items[^1];
        var seen = new HashSet<long>();
        long last = 0;
        foreach (var item in Run.Items)
        {
            if (item.Kind == ExecutionEventKind.Gap)
            {
                (GapItems, GapIds) = (GapItems + 1, GapIds + (item.MissingTo!.Value - item.MissingFrom!.Value + 1));
                Add(Gap, $"ids {item.MissingFrom}..{item.MissingTo} reported missing; the server has them all");
                continue;
            }

            if (item.Source == ExecutionEventSource.Snapshot)
            {
                if (!item.IsTerminal || item.Type != terminalInLog.Type || (item.Id is not null && item.Id != terminalInLog.Id))
                {
                    InventedEvents++;
                    Add(Invented, $"a snapshot-built {item.Type} #{item.Id} where the log ends with {terminalInLog.Type} #{terminalInLog.Id}");
                }

                // It carries the id of the log's terminal event when that one was not yielded: the id counts as seen.
                if (item.Sequence is { } standsFor)
                {
                    CountSeen(standsFor);
                }

                continue;
            }

            EventsDelivered++;
            var sequence = item.Sequence ?? -1;
            CountSeen(sequence);

            if (!logById.TryGetValue(sequence, out var logged) || logged.Type != item.Type || logged.Data != item.Data.GetRawText())
            {
                InventedEvents++;
                Add(Invented, $"id {item.Id} {item.Type} {item.Data.GetRawText()} is not the log's {(logged is null ? "(none)" : logged.Type + " " + logged.Data)}");
            }
        }

        void CountSeen(long sequence)
        {
            if (!seen.Add(sequence))
            {
                Duplicates++;
                Add(Duplicate, $"id {sequence} yielded again");
            }
            else if (sequence <= last)
            {
                Reorders++;
                Add(Reordered, $"id {sequence} yielded after id {last}");
            }

            last = Math.Max(last, sequence);
        }

        var terminals = Run.Items.Count(i => i.IsTerminal);
        if (Run.Error is null && (terminals != 1 || !Run.Items[^1].IsTerminal))
        {
            Add(Terminal, $"{terminals} terminal items, the last item is {(Run.Items.Count == 0 ? "none" : Short(Run.Items[^1]))}");
        }

        if (Run.Error is null)
        {
            var snapshotTerminal = Run.Items.Any(i => i.Source == ExecutionEventSource.Snapshot && i.IsTerminal);
            var reported = Run.Items.Where(i => i.Kind == ExecutionEventKind.Gap).ToList();
            var missing = logById.Keys
                .Where(id => !seen.Contains(id) && !(snapshotTerminal && id == logById.Keys.Max()) && !reported.Any(g => id >= g.MissingFrom && id <= g.MissingTo))
                .Order().ToList();
            if (missing.Count > 0)
            {
                LostEvents = missing.Count;
                Add(Lost, $"ids {string.Join(',', missing)} of the log neither yielded nor reported as a gap");
            }
        }
    }

    /// <summary>
    /// (d) No request sooner than it was owed. A Retry-After is owed to the endpoint that sent it (a refused stream may
    /// still have its snapshot read at once): no request to that endpoint before it passed, counted from when it was
    /// sent. After a stream response the proxy cut, reset or stalled, the last <c>retry:</c> (from when it ended) —
    /// except one early reconnect after a response that delivered an event, and another only after a connection
    /// stayed up for <c>retry:</c>.
    /// </summary>
    private void CheckOwedWaits(ChaosRules rules)
    {
        CheckRetryAfter(ProxyEndpoint.Stream, RetryAfterStream, rules);
        CheckRetryAfter(ProxyEndpoint.Snapshot, RetryAfterSnapshot, rules);
        var slack = rules.ClockSlack.TotalMilliseconds;
        var streams = Run.Exchanges.Where(e => e.Request.Endpoint == ProxyEndpoint.Stream).OrderBy(e => e.AcceptedAt).ToList();
        var retry = rules.DefaultRetry.TotalMilliseconds;
        var earlyUsed = false;
        var upLongSinceEarly = false;
        ProxyExchange? previous = null;
        foreach (var next in streams)
        {
            if (previous is not null)
            {
                retry = previous.RetrySeen ?? retry;
                if ((previous is { EstablishedAt: { } established, EndedAt: { } closed } && Elapsed(established, closed) >= retry)
                    || UpByTheWatchersAccount(previous) >= retry)
                {
                    upLongSinceEarly = true;
                }

                if (previous.EndedByFault && FaultEnd(previous, rules) is var ended && Elapsed(ended, next.AcceptedAt) is var gap && gap < retry - slack)
                {
                    var evidence = $"stream request #{next.Request.Connection} came {gap:0} ms after #{previous.Request.Connection} ended ({previous.End}, " +
                        $"{previous.CompleteEvents} events delivered); retry: {retry:0} ms";
                    if (previous.CompleteEvents == 0)
                    {
                        Add(EarlyWithoutEvents, evidence);
                    }
                    else if (earlyUsed && !upLongSinceEarly)
                    {
                        Add(SecondFastResume, evidence);
                    }

                    (earlyUsed, upLongSinceEarly) = (true, false);
                }
            }

            previous = next;
        }
    }

    /// <summary>Every request to <paramref name="endpoint"/> came no sooner than a Retry-After that endpoint sent before it.</summary>
    private void CheckRetryAfter(ProxyEndpoint endpoint, string rule, ChaosRules rules)
    {
        var slack = rules.ClockSlack.TotalMilliseconds;
        var requests = Run.Exchanges.Where(e => e.Request.Endpoint == endpoint).OrderBy(e => e.AcceptedAt).ToList();
        var refusals = requests.Where(e => e.IsRefusal).ToList();
        ProxyExchange? previous = null;
        foreach (var next in requests)
        {
            var from = previous?.AcceptedAt ?? long.MinValue;
            foreach (var refusal in refusals.Where(r => r.RefusedAt >= from && r.RefusedAt < next.AcceptedAt))
            {
                if (endpoint == ProxyEndpoint.Stream && AbandonedBeforeItsAnswer(refusal))
                {
                    UnreadRefusals++;
                    continue;
                }

                if (Elapsed(refusal.OwedUntil!.Value, next.AcceptedAt) < -slack)
                {
                    Add(rule,
                        $"{endpoint.ToString().ToLowerInvariant()} request #{next.Request.Connection} came {Elapsed(refusal.RefusedAt!.Value, next.AcceptedAt):0} ms after #{refusal.Request.Connection}'s " +
                        $"{refusal.Status} Retry-After: {refusal.RetryAfterHeader} was sent; owed {Elapsed(refusal.RefusedAt!.Value, refusal.OwedUntil!.Value):0} ms");
                }
            }

            previous = next;
        }
    }

    /// <summary>
    /// How long the connection of <paramref name="exchange"/> was up as the watcher saw it, from its Connected notice to the
    /// Disconnected one after it (0 when it never connected). The watcher decides by its own clock; on a busy machine it
    /// may see the end of a connection later than the proxy made it.
    /// </summary>
    private double UpByTheWatchersAccount(ProxyExchange exchange)
    {
        if (exchange.EstablishedAt is null)
        {
            return 0;
        }

        var connected = Run.Notices.FirstOrDefault(n => n.At >= exchange.AcceptedAt && n.Notice.Kind == ExecutionWatchNoticeKind.Connected);
        if (connected.Notice is null)
        {
            return 0;
        }

        var ended = Run.Notices.FirstOrDefault(n => n.At >= connected.At && n.Notice.Kind == ExecutionWatchNoticeKind.Disconnected);
        return ended.Notice is null ? 0 : Elapsed(connected.At, ended.At);
    }

    /// <summary>
    /// Whether the watcher gave up on a stream request before its answer reached it: the attempt ended, by the watcher's
    /// own account, with the idle timeout while it waited for the response headers. On a machine too busy to read a socket
    /// in time, the proxy may have written a refusal the watcher never read; a Retry-After it never saw is not owed.
    /// </summary>
    private bool AbandonedBeforeItsAnswer(ProxyExchange refusal) =>
        Run.Notices.FirstOrDefault(n => n.At >= refusal.AcceptedAt && n.Notice.Kind == ExecutionWatchNoticeKind.Disconnected).Notice?.Cause
            is SseTransientException { Reason: SseTransientReason.IdleTimeout } timeout
        && timeout.Message.Contains("response headers", StringComparison.Ordinal);

    /// <summary>(e) The watch ends within the run's length plus, per fault hit, the longest wait it earns and the longest timeout it costs.</summary>
    private void CheckBound(ChaosRules rules)
    {
        var run = TimeSpan.Zero;
        if (Run.ServerLog is { Items.Count: > 1 } log && Timestamp(log.Items[0].Data) is { } first && Timestamp(log.Items[^1].Data) is { } end)
        {
            run = end - first;
        }

        Bound = run + (rules.PerFault * FaultsHit) + rules.BoundSlack;
        if (Duration > Bound)
        {
            Add(Slow, $"{Duration.TotalSeconds:0.00}s > {Bound.TotalSeconds:0.00}s (run {run.TotalSeconds:0.00}s + {FaultsHit} faults x {rules.PerFault.TotalSeconds:0.#}s + {rules.BoundSlack.TotalSeconds:0.#}s)");
        }
    }

    /// <summary>
    /// When a faulted response ended, as a lower bound of when the client saw it end. A cut or reset is dated by the
    /// proxy's action; a stall by the client's close, which the proxy may notice late on a busy machine, so it is dated
    /// no later than the idle timeout after the last bytes the client could see (the head is seen whole or not at all,
    /// and the idle timeout runs from the request while it is awaited).
    /// </summary>
    private static long FaultEnd(ProxyExchange exchange, ChaosRules rules)
    {
        if (exchange.End is not ExchangeEnd.StallAbandoned)
        {
            return exchange.EndedAt!.Value;
        }

        var visible = exchange.EstablishedAt is null ? exchange.AcceptedAt : exchange.LastByteAt!.Value;
        return Math.Min(exchange.EndedAt!.Value, visible + (long)(rules.IdleTimeout.TotalSeconds * Stopwatch.Frequency));
    }

    private static double Elapsed(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static DateTimeOffset? Timestamp(string data)
    {
        using var json = JsonDocument.Parse(data);
        return json.RootElement.TryGetProperty("timestamp", out var value) && value.TryGetDateTimeOffset(out var time) ? time : null;
    }
}
