using System.Diagnostics;
using System.Globalization;
using System.Text;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>The suite's totals, and its failures grouped by rule with example seeds.</summary>
internal sealed class ChaosTotals(IReadOnlyList<WatchReport> reports, TimeSpan elapsed, int unreadConnections)
{
    public IReadOnlyList<WatchReport> Failing { get; } = [.. reports.Where(r => r.Violations.Count > 0)];

    public string Summary()
    {
        var text = new StringBuilder();
        var durations = reports.Select(r => r.Duration.TotalSeconds).Order().ToList();
        var exchanges = reports.SelectMany(r => r.Run.Exchanges).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"chaos suite: {reports.Count} watches in {elapsed.TotalSeconds:0.0}s, {exchanges.Count} requests through the proxy");
        var headReads = exchanges.Select(e => Stopwatch.GetElapsedTime(e.AcceptedAt, e.RequestReadAt).TotalMilliseconds).Order().ToList();
        if (headReads.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  proxy: request heads read {headReads[(int)Math.Ceiling(headReads.Count * 0.99) - 1]:0} ms after accept at p99, {headReads[^1]:0} ms at most; " +
                $"{unreadConnections} connections closed by the client before their head was read{(unreadConnections > 0 ? " (machine too busy: those requests are missing from the owed-wait checks)" : string.Empty)}");
        }

        text.AppendLine("  watches per profile (failing): " + string.Join(", ", reports.GroupBy(r => r.Run.Watch.Profile.Name)
            .Select(g => $"{g.Key} {g.Count()} ({g.Count(r => r.Violations.Count > 0)})")));
        text.AppendLine("  faults injected: " + string.Join(", ", Enum.GetValues<FaultHits>().Where(h => h != FaultHits.None)
            .Select(h => $"{h.ToString().ToLowerInvariant()} {exchanges.Count(e => e.Hits.HasFlag(h))}")));
        text.AppendLine("  refusals by form: " + string.Join(", ", exchanges.Where(e => e.IsRefusal).GroupBy(e => e.Plan.Refusal!.Form)
            .Select(g => $"{g.Key} {g.Count()}")) + $"; on the snapshot endpoint {exchanges.Count(e => e.IsRefusal && e.Request.Endpoint == ProxyEndpoint.Snapshot)}");
        text.AppendLine("  endings hit by place: " + string.Join(", ", exchanges.Where(e => e.Hits.HasFlag(FaultHits.Cut) || e.Hits.HasFlag(FaultHits.Reset) || e.Hits.HasFlag(FaultHits.Stall))
            .GroupBy(e => e.Plan.At!.Place).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  events delivered {reports.Sum(r => r.EventsDelivered)}; silent losses {reports.Sum(r => r.LostEvents)}; duplicates {reports.Sum(r => r.Duplicates)}; " +
            $"reorders {reports.Sum(r => r.Reorders)}; invented {reports.Sum(r => r.InventedEvents)}; gaps {reports.Sum(r => r.GapItems)} ({reports.Sum(r => r.GapIds)} ids); " +
            $"watch errors {reports.Count(r => r.Run.Error is not null)}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  owed-wait violations {reports.Sum(r => r.Violations.Count(v => v.Rule.StartsWith("(d)", StringComparison.Ordinal)))} " +
            $"in {reports.Count(r => r.Violations.Any(v => v.Rule.StartsWith("(d)", StringComparison.Ordinal)))} watches; " +
            $"stream refusals unread (the watcher's idle timeout ran out before the answer reached it) {reports.Sum(r => r.UnreadRefusals)}");
        if (durations.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  watch duration: max {durations[^1]:0.00}s, p95 {durations[(int)Math.Ceiling(durations.Count * 0.95) - 1]:0.00}s, median {durations[durations.Count / 2]:0.00}s; " +
                $"longest against its bound {reports.Max(r => r.Duration / r.Bound):P0}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  failing watches: {Failing.Count}");
        foreach (var rule in Failing.SelectMany(r => r.Violations.Select(v => v.Rule)).Distinct().Order(StringComparer.Ordinal))
        {
            var hits = Failing.Where(r => r.Violations.Any(v => v.Rule == rule)).ToList();
            var first = hits[0].Violations.First(v => v.Rule == rule);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"    {rule}: {hits.Sum(r => r.Violations.Count(v => v.Rule == rule))} times in {hits.Count} watches " +
                $"(by profile: {string.Join(", ", hits.GroupBy(r => r.Run.Watch.Profile.Name).Select(g => $"{g.Key} {g.Count()}"))}); " +
                $"e.g. {string.Join(", ", hits.Take(3).Select(r => r.Run.Watch.Key))}");
            text.AppendLine(CultureInfo.InvariantCulture, $"      first: {first.Evidence}");
        }

        return text.ToString();
    }

    /// <summary>The full trace of one failing watch per rule (at most <paramref name="max"/>).</summary>
    public IEnumerable<string> ExampleTraces(int max) => Failing
        .SelectMany(r => r.Violations.Select(v => (v.Rule, Report: r)))
        .GroupBy(x => x.Rule, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => g.First().Report)
        .Distinct()
        .Take(max)
        .Select(r => r.Trace());
}
