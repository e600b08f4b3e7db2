using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;

namespace ResilientSse.IntegrationTests.Http2;

/// <summary>
/// The watcher and <see cref="SseClient"/> over HTTP/2 without TLS (h2c) against the reference server's HTTP/2
/// endpoint: many watches multiplexed on one connection, and that one connection cut under them.
/// </summary>
public sealed class ExecutionWatcherHttp2Tests
{
    private const int Watches = 200;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task WatchAsync_ManyWatchesOverH2c_ShareOneConnectionAndEachEndsWithItsTerminalEvent()
    {
        await using var server = await StartServerAsync();
        await using var relay = TcpRelay.Start(server.Http2BaseAddress!);
        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        using var http = new HttpClient(handler);
        var watcher = new ExecutionWatcher(http, Http2Options(relay.BaseAddress));
        using var timeout = new CancellationTokenSource(Bound);
        var ids = await StartRunsAsync(server, Watches, stages: 2, delayMs: 200, timeout.Token);

        var results = await Task.WhenAll(ids.Select(id => WatchCollection.CollectAsync(watcher, id, null, timeout.Token)));

        Assert.All(results, items => WatchCollection.AssertWhole(items, stages: 2));
        Assert.Equal(1, relay.Accepted);
    }

    [Fact]
    public async Task WatchAsync_TheOneConnectionCarryingEveryWatchIsCut_AllResumeAndLoseNothing()
    {
        await using var server = await StartServerAsync();
        await using var relay = TcpRelay.Start(server.Http2BaseAddress!);
        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        using var http = new HttpClient(handler);
        var reconnects = 0;
        var options = Http2Options(relay.BaseAddress);
        options.OnNotice = n => Interlocked.Add(ref reconnects, n.Kind == ExecutionWatchNoticeKind.Reconnecting ? 1 : 0);
        var watcher = new ExecutionWatcher(http, options);
        using var timeout = new CancellationTokenSource(Bound);
        var ids = await StartRunsAsync(server, Watches, stages: 4, delayMs: 1_500, timeout.Token);
        var connected = new Countdown(Watches);

        var watching = ids.Select(id => WatchCollection.CollectAsync(watcher, id, n => { if (n == 1) { connected.Signal(); } }, timeout.Token)).ToArray();
        await connected.Reached.WaitAsync(Bound); // every watch received its first event
        Assert.Equal(1, relay.Accepted);
        Assert.Equal(1, relay.CutAll());
        var results = await Task.WhenAll(watching);

        Assert.All(results, items => WatchCollection.AssertWhole(items, stages: 4));
        Assert.True(reconnects >= Watches, $"each watch reconnected after the cut ({reconnects} reconnections)");
        Assert.True(relay.Accepted >= 2, "the watches came back on a new connection");
    }

    [Fact]
    public async Task SubscribeAsync_OverH2c_ReadsTheStreamToItsTerminalEvent()
    {
        await using var server = await StartServerAsync();
        using var http = new HttpClient();
        var client = new SseClient(http, new SseClientOptions { HttpVersion = HttpVersion.Version20, HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact });
        using var timeout = new CancellationTokenSource(Bound);
        var ids = await StartRunsAsync(server, 1, stages: 1, delayMs: 50, timeout.Token);

        var types = new List<string>();
        await foreach (var item in client.SubscribeAsync(new Uri(server.Http2BaseAddress!, $"workflow/executions/{ids[0]}/stream"), cancellationToken: timeout.Token))
        {
            types.Add(item.EventType);
            if (item.EventType == "workflow.completed")
            {
                break;
            }
        }

        Assert.Equal(["workflow.started", "node.started", "node.completed", "workflow.completed"], types);
    }

    private static Task<ReferenceServerHost> StartServerAsync() => ReferenceServers.StartAsync(options =>
    {
        options.Http2Urls = "http://127.0.0.1:0";
        options.MaxLiveExecutions = Watches + 10;
    });

    private static ExecutionWatcherOptions Http2Options(Uri baseAddress) => new()
    {
        BaseAddress = baseAddress,
        Stream = new SseClientOptions
        {
            HttpVersion = HttpVersion.Version20,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            InitialReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
        },
    };

    /// <summary>Starts the runs over the server's HTTP/1.1 address; their quiet stages outlast the time the watches take to connect.</summary>
    private static async Task<string[]> StartRunsAsync(ReferenceServerHost server, int count, int stages, int delayMs, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, token) =>
        {
            using var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "very-long", input = new { stages, delayMs } }, token);
            response.EnsureSuccessStatusCode();
            using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token));
            ids[i] = snapshot.RootElement.GetProperty("id").GetString()!;
        });
        return ids;
    }
}
