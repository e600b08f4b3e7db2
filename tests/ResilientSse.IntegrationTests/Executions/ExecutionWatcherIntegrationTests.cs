using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;

namespace ResilientSse.IntegrationTests.Executions;

/// <summary>The watcher against the reference server with its faults on: CONTRACT §3 end to end over real sockets.</summary>
public sealed class ExecutionWatcherIntegrationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Watch_TwoHundredRunsWithRandomFaults_LosesNothingDuplicatesNothingEndsTerminal()
    {
        await using var server = await ReferenceServerHost.StartAsync(new ReferenceServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Store = ReferenceStoreKind.Memory,
            RetryMilliseconds = 20,
            MaxLiveExecutions = 500,
            Faults = new ReferenceFaultOptions { DropProbability = 0.2, DropBeforeTerminal = true, UnavailableRate = 0.1, RetryAfterSeconds = 1, Seed = 20261125 },
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var notices = new ConcurrentQueue<ExecutionWatchNotice>();
        var fast = FastOptions(server.BaseAddress);
        fast.OnNotice = notices.Enqueue;
        var watcher = new ExecutionWatcher(http, fast);
        using var timeout = new CancellationTokenSource(Bound);

        const int Runs = 200;
        const int Stages = 3;
        // 20 runs at a time, each started and then watched while it runs: the faults cut every stage of a watch.
        var results = new ConcurrentBag<List<ExecutionEvent>>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Runs), new ParallelOptions { MaxDegreeOfParallelism = 20, CancellationToken = timeout.Token }, async (_, token) =>
        {
            var id = await StartAsync(http, "very-long", new { stages = Stages, delayMs = 20 }, token);
            results.Add(await CollectAsync(watcher, id, token));
        });

        var expectedTypes = ExpectedTypes(Stages);
        foreach (var items in results)
        {
            if (items.Any(e => e.Kind == ExecutionEventKind.Gap))
            {
                var id = items[0].ExecutionId;
                Assert.Fail(string.Join("\n", notices.Where(n => n.ExecutionId == id).Select(n => n.Kind + ": " + n.Message)));
            }

            Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
            Assert.Equal(expectedTypes, items.Select(e => e.Type));

            // Every event before the terminal one came from the stream, once, in order. The terminal event is the
            // stream's, or — when the stream refused the one attempt made for it — built from the snapshot.
            Assert.Equal(Enumerable.Range(1, expectedTypes.Length - 1).Select(i => (long?)i), items.SkipLast(1).Select(e => e.Sequence));
            Assert.All(items.SkipLast(1), e => Assert.Equal(ExecutionEventSource.Stream, e.Source));
            Assert.Equal(expectedTypes.Length, items[^1].Sequence); // from the stream, or built from the snapshot with the id it stands for
            Assert.Single(items, e => e.IsTerminal);
            Assert.True(items[^1].IsTerminal);
            Assert.Equal(ExecutionStatus.Completed, items[^1].Status);
        }
    }

    [Fact]
    public async Task Watch_CutJustBeforeCompletedWhileServerHasIt_ResumesAtOnceWithoutWaiting()
    {
        await using var server = await ReferenceServerHost.StartAsync(new ReferenceServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Store = ReferenceStoreKind.Memory,
            RetryMilliseconds = 60_000, // a client that waited for retry: would blow the test's bound
            Faults = new ReferenceFaultOptions { DropBeforeTerminal = true },
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var notices = new ConcurrentQueue<ExecutionWatchNotice>();
        var options = FastOptions(server.BaseAddress);
        options.Stream.InitialReconnectDelay = options.Stream.MaxReconnectDelay = TimeSpan.FromMinutes(1);
        options.OnNotice = notices.Enqueue;
        var watcher = new ExecutionWatcher(http, options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var id = await StartAsync(http, "quick", null, timeout.Token);
        var items = await CollectAsync(watcher, id, timeout.Token);

        Assert.Equal(ExpectedTypes(3), items.Select(e => e.Type));
        Assert.Equal(ExecutionEventSource.Stream, items[^1].Source);
        Assert.DoesNotContain(notices, n => n.Kind == ExecutionWatchNoticeKind.Reconnecting && n.Delay > TimeSpan.Zero);
    }

    [Fact]
    public async Task Watch_ServerRestartsMidRun_EndsWithTheInterruptedFailureAndNothingRepeated()
    {
        var directory = Directory.CreateTempSubdirectory("resilientsse-restart-");
        try
        {
            var database = Path.Combine(directory.FullName, "executions.db");
            var first = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = database, RetryMilliseconds = 20 });
            var address = first.BaseAddress;
            using var http = new HttpClient { BaseAddress = address };
            var watcher = new ExecutionWatcher(http, FastOptions(address));
            using var timeout = new CancellationTokenSource(Bound);
            var id = await StartAsync(http, "very-long", new { stages = 50, delayMs = 100 }, timeout.Token);

            var items = new List<ExecutionEvent>();
            ReferenceServerHost? second = null;
            try
            {
                await foreach (var item in watcher.WatchAsync(id, timeout.Token))
                {
                    items.Add(item);
                    if (items.Count == 3)
                    {
                        // The server goes away mid-run and comes back on the same address and store.
                        await first.DisposeAsync();
                        second = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = address.ToString().TrimEnd('/'), DatabasePath = database, RetryMilliseconds = 20 }, timeout.Token);
                    }
                }
            }
            finally
            {
                await first.DisposeAsync();
                if (second is not null)
                {
                    await second.DisposeAsync();
                }
            }

            Assert.NotNull(second);
            Assert.Equal(Enumerable.Range(1, items.Count).Select(i => (long?)i), items.Select(e => e.Sequence));
            var terminal = items[^1];
            Assert.Equal("workflow.failed", terminal.Type);
            Assert.Equal(ExecutionStatus.Failed, terminal.Status);
            Assert.Contains("interrupted by server restart", terminal.Data.GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static ExecutionWatcherOptions FastOptions(Uri baseAddress) => new()
    {
        BaseAddress = baseAddress,
        PollInterval = TimeSpan.FromMilliseconds(50),
        OfflineBudget = TimeSpan.FromSeconds(30),
        Stream = new SseClientOptions
        {
            InitialReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
            IdleTimeout = TimeSpan.FromSeconds(5),
        },
    };

    private static string[] ExpectedTypes(int stages) =>
        ["workflow.started", .. Enumerable.Range(0, stages).SelectMany(_ => new[] { "node.started", "node.completed" }), "workflow.completed"];

    private static async Task<string> StartAsync(HttpClient http, string workflowId, object? input, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId, input }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return snapshot.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<List<ExecutionEvent>> CollectAsync(ExecutionWatcher watcher, string id, CancellationToken cancellationToken)
    {
        var items = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync(id, cancellationToken))
        {
            items.Add(item);
        }

        return items;
    }
}
