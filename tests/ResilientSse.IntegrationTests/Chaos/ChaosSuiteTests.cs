using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;
using Xunit.Abstractions;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>
/// The chaos suite (CONTRACT §3 under faults): hundreds of watches, 100 at a time, through the seeded
/// <see cref="FaultProxy"/> to one reference server; every watch is checked against the server's own log and the
/// proxy's log of its requests. A failing watch prints its seed, its fault plans and the evidence; set
/// <c>RESILIENTSSE_CHAOS_REPLAY=profile:seed</c> to run it alone.
/// </summary>
[Collection(ChaosTests.Name)]
[Trait("Category", "Chaos")]
public sealed class ChaosSuiteTests(ITestOutputHelper output)
{
    private const int SuiteSeed = 20261126;
    private const int Watches = 1200;
    private const int AtOnce = 80;
    private const int RetryMilliseconds = 150;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WatchLimit = TimeSpan.FromSeconds(45);

    // The longest wait a fault can earn is an HTTP-date Retry-After (up to 2 s); the longest it can cost on top is a
    // timeout (the idle timeout for a stalled stream, the snapshot timeout for a stalled snapshot).
    private static readonly ChaosRules Rules = new(
        DefaultRetry: TimeSpan.FromMilliseconds(RetryMilliseconds),
        IdleTimeout: IdleTimeout,
        ClockSlack: TimeSpan.FromMilliseconds(5),
        PerFault: TimeSpan.FromSeconds(2) + SnapshotTimeout,
        BoundSlack: TimeSpan.FromSeconds(3));

    [Fact]
    public async Task Watch_TwelveHundredRunsThroughSeededFaults_KeepsEveryPromise()
    {
        var watches = ChaosWatch.Suite(SuiteSeed, Watches);
        await using var server = await ReferenceServers.StartAsync(o => (o.RetryMilliseconds, o.MaxLiveExecutions) = (RetryMilliseconds, 1000));
        var planner = new ChaosPlanner();
        await using var proxy = FaultProxy.Start(server.BaseAddress, planner.Plan);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1000, ConnectTimeout = TimeSpan.FromSeconds(5) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var direct = new HttpClient { BaseAddress = server.BaseAddress };
        var notices = new ConcurrentDictionary<string, ConcurrentQueue<(long, ExecutionWatchNotice)>>(StringComparer.Ordinal);
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = proxy.BaseAddress,
            PollInterval = TimeSpan.FromMilliseconds(250),
            StreamRetryInterval = TimeSpan.FromSeconds(2),
            SnapshotTimeout = SnapshotTimeout,
            OfflineBudget = TimeSpan.FromSeconds(60),
            OnNotice = n => notices.GetOrAdd(n.ExecutionId, _ => new()).Enqueue((Stopwatch.GetTimestamp(), n)),
            Stream = new SseClientOptions
            {
                InitialReconnectDelay = TimeSpan.FromMilliseconds(RetryMilliseconds),
                MaxReconnectDelay = TimeSpan.FromSeconds(1),
                IdleTimeout = IdleTimeout,
            },
        });

        var elapsed = Stopwatch.StartNew();
        using var suite = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var reports = new ConcurrentBag<WatchReport>();
        await Parallel.ForEachAsync(watches, new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = suite.Token }, async (watch, token) =>
        {
            var id = await StartAsync(direct, watch, token);
            planner.Register(id, watch);
            var run = await WatchAsync(watcher, proxy, direct, watch, id, notices, token);
            reports.Add(WatchReport.Judge(run, Rules));
        });

        var totals = new ChaosTotals([.. reports], elapsed.Elapsed, proxy.UnreadConnections);
        output.WriteLine(totals.Summary());
        foreach (var trace in totals.ExampleTraces(max: 6))
        {
            output.WriteLine(trace);
        }

        Assert.True(totals.Failing.Count == 0,
            "Broken promises under chaos (one trace per rule in the test output):\n" + totals.Summary() + "\n" + totals.ExampleTraces(max: 1).FirstOrDefault());
        Assert.True(elapsed.Elapsed < TimeSpan.FromMinutes(3), $"The suite took {elapsed.Elapsed}, more than 3 minutes.");
    }

    private static async Task<WatchRun> WatchAsync(
        ExecutionWatcher watcher,
        FaultProxy proxy,
        HttpClient direct,
        ChaosWatch watch,
        string id,
        ConcurrentDictionary<string, ConcurrentQueue<(long, ExecutionWatchNotice)>> notices,
        CancellationToken cancellationToken)
    {
        var items = new List<ExecutionEvent>();
        Exception? error = null;
        var startedAt = Stopwatch.GetTimestamp();
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(WatchLimit);
            try
            {
                await foreach (var item in watcher.WatchAsync(id, limit.Token))
                {
                    items.Add(item);
                }
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                error = new TimeoutException($"The watch did not end within {WatchLimit.TotalSeconds:0} s.", ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = ex;
            }
        }

        var endedAt = Stopwatch.GetTimestamp();
        var exchanges = proxy.ExchangesOf(id);
        var released = await Task.WhenAll(exchanges.Select(e => e.Completion)).WaitAsync(TimeSpan.FromSeconds(6), cancellationToken)
            .ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
        var log = await ReadLogAsync(direct, id, cancellationToken);
        return new WatchRun(watch, id, items, error, [.. notices.GetValueOrDefault(id) ?? []], startedAt, endedAt, log, proxy.ExchangesOf(id), released);
    }

    /// <summary>The execution's whole log, straight from the server (no proxy), once it has ended.</summary>
    private static async Task<RawStream.Result?> ReadLogAsync(HttpClient direct, string id, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var log = await RawStream.ReadAsync(direct, $"workflow/executions/{Uri.EscapeDataString(id)}/stream", null, cancellationToken);
            if (log is { Status: System.Net.HttpStatusCode.OK, EndedCleanly: true })
            {
                return log;
            }
        }

        return null;
    }

    private static async Task<string> StartAsync(HttpClient direct, ChaosWatch watch, CancellationToken cancellationToken)
    {
        using var response = await direct.PostAsJsonAsync("workflow/executions", new { workflowId = "very-long", input = new { stages = watch.Stages, delayMs = watch.DelayMs } }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return snapshot.RootElement.GetProperty("id").GetString()!;
    }
}
