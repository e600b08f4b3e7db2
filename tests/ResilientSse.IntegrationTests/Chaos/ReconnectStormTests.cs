using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.Streaming;
using ResilientSse.Watcher.Doctor;
using Xunit.Abstractions;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>
/// CONTRACT §3.6, "a mass cut of many watches in one process is spread, not synchronized": 2,000 watches of one
/// watcher, all connected through the proxy, lose their connections at the same instant. The reconnects that follow
/// must not come in a burst: the watchers book them at most 10 % in any 100 ms, at most 20 % of them reach the proxy in
/// any 100 ms (unless the test process itself stopped running just before, which releases every timer due meanwhile
/// at once — then the booking is what shows the spread), and every watch must still end with its terminal event and
/// nothing lost.
/// </summary>
[Collection(ChaosTests.Name)]
[Trait("Category", "Chaos")]
public sealed class ReconnectStormTests(ITestOutputHelper output)
{
    private const int Watches = 2000;
    private const double LargestShareAllowed = 0.20;
    private const double LargestBookedShareAllowed = 0.10;
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task MassCut_TwoThousandWatchesInOneProcess_ReconnectsAreSpreadAndNothingIsLost()
    {
        var total = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        await using var server = await ReferenceServers.StartAsync(o => (o.RetryMilliseconds, o.MaxLiveExecutions) = (1000, Watches + 100));
        await using var proxy = FaultProxy.Start(server.BaseAddress);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 2 * Watches, ConnectTimeout = TimeSpan.FromSeconds(10) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var directHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 32 };
        using var direct = new HttpClient(directHandler) { BaseAddress = server.BaseAddress };
        var reconnecting = new ConcurrentQueue<(long At, TimeSpan Delay)>();
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = proxy.BaseAddress,
            OfflineBudget = TimeSpan.FromSeconds(60),
            QuietStreamCheckInterval = TimeSpan.FromMinutes(5),
            OnNotice = n =>
            {
                if (n.Kind == ExecutionWatchNoticeKind.Reconnecting)
                {
                    reconnecting.Enqueue((Stopwatch.GetTimestamp(), n.Delay ?? TimeSpan.Zero));
                }
            },
            Stream = new SseClientOptions { IdleTimeout = TimeSpan.FromSeconds(20) },
        });

        // 2,000 runs that would last 2 minutes, each watched from its start: after their first two events the streams are
        // quiet (no event, a heartbeat every 15 s), so that nothing but the cut keeps the process busy while it is measured.
        var ids = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Watches), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = limit.Token }, async (_, token) =>
            ids.Add(await PostAsync(direct, "workflow/executions", new { workflowId = "very-long", input = new { stages = 2, delayMs = 60_000 } }, token)));
        var watches = ids.Select(id => Task.Run(() => CollectAsync(watcher, id, limit.Token))).ToList();
        var started = total.Elapsed;

        await WaitUntilAsync(() => proxy.OpenStreams(e => e.CompleteEvents >= 2) == Watches, "all watches connected and delivering", limit.Token);
        var connected = total.Elapsed;

        // The cut: every open stream closed (FIN) in one tight loop, one system call each. The reconnects are timed when the proxy accepts them, and held there until
        // every watch has come back (at most 10 s), so that the server's work for the first ones does not slow the rest.
        proxy.HoldStreams();
        var cutAt = Stopwatch.GetTimestamp();
        using var stalls = new PauseMonitor(TimeProvider.System, cutAt); // when this process itself stopped running
        var cut = proxy.CutAllStreams(reset: false);
        var cutTook = Stopwatch.GetElapsedTime(cutAt);
        await WaitUntilAsync(() => StreamRequestsSince(proxy, cutAt).Select(e => e.Request.ExecutionId).Distinct().Count() == Watches, "every watch back", limit.Token, TimeSpan.FromSeconds(10))
            .ContinueWith(_ => { }, TaskScheduler.Default);
        proxy.ReleaseStreams();
        await WaitUntilAsync(() => proxy.OpenStreams(e => e.AcceptedAt > cutAt) == Watches, "every watch connected again", limit.Token);
        var reconnected = total.Elapsed;

        // End the runs: each watch gets its workflow.cancelled on the stream.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = limit.Token }, async (id, token) =>
        {
            using var response = await direct.PostAsync($"workflow/executions/{id}/cancel", null, token);
        });
        var results = await Task.WhenAll(watches).WaitAsync(TimeSpan.FromSeconds(30), limit.Token);
        var problems = await CheckAsync(direct, results, limit.Token);

        var reconnects = StreamRequestsSince(proxy, cutAt).Select(e => e.AcceptedAt).Order().ToList();
        var (largest, windowStart) = LargestWindow(reconnects);
        var share = reconnects.Count == 0 ? 0 : (double)largest / reconnects.Count;
        var firsts = StreamRequestsSince(proxy, cutAt)
            .GroupBy(e => e.Request.ExecutionId).Select(g => Stopwatch.GetElapsedTime(cutAt, g.Min(e => e.AcceptedAt)).TotalMilliseconds).Order().ToList();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"storm: {Watches} watches started in {started.TotalSeconds:0.0}s, all connected at {connected.TotalSeconds:0.0}s; {cut} streams cut in {cutTook.TotalMilliseconds:0} ms; " +
            $"all connected again at {reconnected.TotalSeconds:0.0}s; test {total.Elapsed.TotalSeconds:0.0}s");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"  stream requests after the cut: {reconnects.Count} ({firsts.Count} watches); first reconnect after the cut: min {firsts.FirstOrDefault():0} ms, " +
            $"median {Percentile(firsts, 0.5):0} ms, p95 {Percentile(firsts, 0.95):0} ms, max {firsts.LastOrDefault():0} ms");
        var decided = reconnecting.Where(r => r.At >= cutAt).ToList();
        var booked = decided.Select(r => r.At + (long)(r.Delay.TotalSeconds * Stopwatch.Frequency)).Order().ToList();
        var (largestBooked, bookedStart) = LargestWindow(booked);
        var bookedShare = booked.Count == 0 ? 0 : (double)largestBooked / booked.Count;
        var stall = LongestStallNear(stalls.Pauses, Stopwatch.GetElapsedTime(cutAt, windowStart), margin: TimeSpan.FromMilliseconds(200));
        report.AppendLine(CultureInfo.InvariantCulture,
            $"  the watchers' side: {decided.Count} reconnects announced after the cut, {decided.Count(r => r.Delay == TimeSpan.Zero)} of them with no delay; " +
            $"announced from +{(decided.Count == 0 ? 0 : Stopwatch.GetElapsedTime(cutAt, decided.Min(r => r.At)).TotalMilliseconds):0} to +{(decided.Count == 0 ? 0 : Stopwatch.GetElapsedTime(cutAt, decided.Max(r => r.At)).TotalMilliseconds):0} ms");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"  largest share in any {Window.TotalMilliseconds:0} ms: {share:P1} ({largest} requests from +{Stopwatch.GetElapsedTime(cutAt, windowStart).TotalMilliseconds:0} ms after the cut); allowed {LargestShareAllowed:P0}");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"  largest share booked for any {Window.TotalMilliseconds:0} ms: {bookedShare:P1} ({largestBooked} from +{Stopwatch.GetElapsedTime(cutAt, bookedStart).TotalMilliseconds:0} ms); allowed {LargestBookedShareAllowed:P0}; " +
            $"longest stall of this process near the busiest window: {stall.TotalMilliseconds:0} ms");
        report.AppendLine("  per 100 ms after the cut: " + string.Join(" ", reconnects
            .GroupBy(t => (int)(Stopwatch.GetElapsedTime(cutAt, t).TotalMilliseconds / 100)).OrderBy(g => g.Key).Take(30).Select(g => $"[{g.Key * 100}]{g.Count()}")));
        report.AppendLine(CultureInfo.InvariantCulture, $"  watches with a broken promise: {problems.Count}");
        foreach (var problem in problems.Take(10))
        {
            report.AppendLine("    " + problem);
        }

        output.WriteLine(report.ToString());
        Assert.True(problems.Count == 0, "Watches did not survive the storm intact:\n" + report);
        Assert.True(decided.Count >= Watches, $"Every watch announced its reconnection ({decided.Count}).\n" + report);
        Assert.True(bookedShare <= LargestBookedShareAllowed, $"The watchers booked the reconnects after a mass cut together: {bookedShare:P1} of them for one {Window.TotalMilliseconds:0} ms window.\n" + report);
        Assert.True(share <= LargestShareAllowed || stall >= PauseMonitor.Threshold,
            $"The reconnects after a mass cut were synchronized: {share:P1} of them in one {Window.TotalMilliseconds:0} ms window, and this process was running.\n" + report);
    }

    private static IEnumerable<ProxyExchange> StreamRequestsSince(FaultProxy proxy, long since) =>
        proxy.Exchanges.Where(e => e.Request.Endpoint == ProxyEndpoint.Stream && e.AcceptedAt >= since);

    /// <summary>
    /// The longest pause of this process that ended within <paramref name="margin"/> before the window starting at
    /// <paramref name="start"/> (from the cut) or inside it: timers due during a pause all fire at its end.
    /// </summary>
    private static TimeSpan LongestStallNear(IReadOnlyList<ProcessPause> pauses, TimeSpan start, TimeSpan margin) =>
        pauses.Where(p => p.To >= start - margin && p.To <= start + Window).Select(p => p.To - p.From).DefaultIfEmpty().Max();

    private static (int Count, long Start) LargestWindow(List<long> times)
    {
        var window = (long)(Window.TotalSeconds * Stopwatch.Frequency);
        var (best, start, j) = (0, 0L, 0);
        for (var i = 0; i < times.Count; i++)
        {
            while (j < times.Count && times[j] < times[i] + window)
            {
                j++;
            }

            if (j - i > best)
            {
                (best, start) = (j - i, times[i]);
            }
        }

        return (best, start);
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Ceiling(sorted.Count * p) - 1];

    /// <summary>Each watch against its execution's log, read straight from the server: every event once, in order, then the terminal one.</summary>
    private static async Task<List<string>> CheckAsync(HttpClient direct, (string Id, List<ExecutionEvent> Items, Exception? Error)[] results, CancellationToken cancellationToken)
    {
        var problems = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(results, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (result, token) =>
        {
            var (id, items, error) = result;
            if (error is not null)
            {
                problems.Add($"{id}: {error.GetType().Name}: {error.Message}");
                return;
            }

            var log = await RawStream.ReadAsync(direct, $"workflow/executions/{id}/stream", cancellationToken: token);
            var expected = log.Items.Select(i => (i.Id, i.Type)).ToList();
            var got = items.Select(i => (i.Id ?? (i.IsTerminal ? expected.LastOrDefault().Id : "?"), i.Type)).ToList();
            if (!expected.SequenceEqual(got) || items.Count(i => i.IsTerminal) != 1 || !items[^1].IsTerminal || items.Any(i => i.Kind == ExecutionEventKind.Gap))
            {
                problems.Add($"{id}: yielded {string.Join(' ', items.Select(i => i.Kind == ExecutionEventKind.Gap ? $"[gap {i.MissingFrom}..{i.MissingTo}]" : i.Id ?? i.Type))}; " +
                    $"the log has {string.Join(' ', expected.Select(e => e.Id))} ending {expected.LastOrDefault().Type}");
            }
        });
        return [.. problems];
    }

    private static async Task<(string Id, List<ExecutionEvent> Items, Exception? Error)> CollectAsync(ExecutionWatcher watcher, string id, CancellationToken cancellationToken)
    {
        var items = new List<ExecutionEvent>();
        try
        {
            await foreach (var item in watcher.WatchAsync(id, cancellationToken))
            {
                items.Add(item);
            }

            return (id, items, null);
        }
        catch (Exception ex)
        {
            return (id, items, ex);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken, TimeSpan? bound = null)
    {
        var tries = (int)((bound ?? TimeSpan.FromSeconds(30)).TotalMilliseconds / 50);
        for (var i = 0; i < tries; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"Not {what} within {(bound ?? TimeSpan.FromSeconds(30)).TotalSeconds:0} s.");
    }

    private static async Task<string> PostAsync(HttpClient direct, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await direct.PostAsJsonAsync(path, body, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return snapshot.RootElement.GetProperty("id").GetString()!;
    }
}
