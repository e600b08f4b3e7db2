using System.Net;
using ResilientSse.ContractTests.TestSupport;
using ResilientSse.Executions;
using ResilientSse.Http;
using ResilientSse.Streaming;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.ContractTests.TestSupport.ScriptedServer;

namespace ResilientSse.ContractTests.Executions;

/// <summary>CONTRACT §3 against scripted servers over real HTTP on loopback.</summary>
public sealed class ExecutionWatcherContractTests : IDisposable
{
    private readonly ScriptedServer _server = new();
    private readonly HttpClient _client = new();
    private readonly List<ExecutionWatchNotice> _notices = [];

    [Theory]
    [InlineData(ClientHandler.Sockets)]
    [InlineData(ClientHandler.Http1Streaming)]
    public async Task Watch_CutRightBeforeCompletedAndServerHasIt_ResumesAtOnceAndYieldsTheStreamsTerminal(ClientHandler handler)
    {
        _server.On(StreamPath, Sse(Events(1, 7)), Sse(Events(8, 8)));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));
        var options = Options();
        options.Stream.MaxReconnectDelay = options.Stream.InitialReconnectDelay = TimeSpan.FromMinutes(5); // any wait would time the test out

        var items = await WatchAsync(options, handler);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Equal(ExecutionEventSource.Stream, items[^1].Source);
        Assert.Equal("7", LastEventIdOf(_server.RequestsTo(StreamPath)[1]));
        Assert.DoesNotContain(_notices, n => n.Kind == ExecutionWatchNoticeKind.Reconnecting && n.Delay > TimeSpan.Zero);
    }

    [Fact]
    public async Task Watch_CutRightBeforeCompletedThenStreamRefuses_EndsAtOnceWithTheSnapshotsTerminalAndNoGap()
    {
        _server.On(StreamPath, Sse(Events(1, 7)), Status(503));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));
        var options = Options();
        options.Stream.MaxReconnectDelay = options.Stream.InitialReconnectDelay = TimeSpan.FromMinutes(5); // any wait would time the test out

        var items = await WatchAsync(options);

        Assert.Equal(8, items.Count);
        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(ExecutionEventSource.Snapshot, items[^1].Source);
        Assert.Equal(ExecutionStatus.Completed, items[^1].Status);
    }

    [Theory]
    [InlineData(ClientHandler.Sockets)]
    [InlineData(ClientHandler.Http1Streaming)]
    public async Task Watch_CutThenStreamRefusesAndSnapshotTerminal_ReportsGapThenSnapshotTerminal(ClientHandler handler)
    {
        _server.On(StreamPath, Sse(Events(1, 5)), Status(503));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await WatchAsync(Options(), handler);

        Assert.Equal(7, items.Count);
        Assert.Equal((6L, 7L), (items[5].MissingFrom!.Value, items[5].MissingTo!.Value));
        Assert.Equal(ExecutionEventSource.Snapshot, items[6].Source);
        Assert.Equal(ExecutionStatus.Completed, items[6].Status);
    }

    [Theory]
    [InlineData(ClientHandler.Sockets)]
    [InlineData(ClientHandler.Http1Streaming)]
    public async Task Watch_CutWhileSnapshotSaysRunning_KeepsResumingUntilTheStreamEnds(ClientHandler handler)
    {
        _server.On(StreamPath, Sse(Events(1, 2)), Status(503), Sse(Events(3, 5)), Sse(Events(6, 8)));
        _server.On(SnapshotPath, Json(Snapshot("running", 2)), Json(Snapshot("running", 4)), Json(Snapshot("running", 5)));

        var items = await WatchAsync(Options(), handler);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Equal([null, "2", "2", "5"], _server.RequestsTo(StreamPath).Select(LastEventIdOf));
    }

    [Theory]
    [InlineData(ClientHandler.Sockets)]
    [InlineData(ClientHandler.Http1Streaming)]
    public async Task Watch_ServerReplaysFromOneOnEveryConnection_YieldsEachEventOnce(ClientHandler handler)
    {
        _server.On(StreamPath, Sse(Events(1, 3)), Sse(Events(1, 6)), Sse(Events(1, 8)));
        _server.On(SnapshotPath, Json(Snapshot("running", 6)));

        var items = await WatchAsync(Options(), handler);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Watch_StreamNotFoundButSnapshotLive_PollsAndEndsWithTheSnapshot()
    {
        _server.On(StreamPath, Status(404));
        _server.On(SnapshotPath, Json(Snapshot("running", 1)), Json(Snapshot("running", 4)), Json(Snapshot("completed", 8)));

        var items = await WatchAsync(Options());

        Assert.Equal(2, items.Count);
        Assert.Equal((1L, 7L), (items[0].MissingFrom!.Value, items[0].MissingTo!.Value));
        Assert.Equal(ExecutionStatus.Completed, items[1].Status);
        Assert.Contains(_notices, n => n.Kind == ExecutionWatchNoticeKind.PollingStarted);
    }

    [Fact]
    public async Task Watch_Unauthorized_FailsFastWithTheStatus()
    {
        _server.On(StreamPath, Status(401));

        var ex = await Assert.ThrowsAsync<SseHttpStatusException>(() => WatchAsync(Options()));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Single(_server.RequestsTo(StreamPath));
    }

    [Fact]
    public async Task Watch_UnknownExecution_FailsFastWithNotFound()
    {
        _server.On(StreamPath, Status(404));
        _server.On(SnapshotPath, Json("""{"type":"about:blank","title":"Not Found","status":404}""", 404));

        var ex = await Assert.ThrowsAsync<ExecutionNotFoundException>(() => WatchAsync(Options()));

        Assert.Equal(Id, ex.ExecutionId);
    }

    [Fact]
    public async Task Watch_OversizedLine_FailsWithLimitExceeded()
    {
        var options = Options();
        options.Stream.MaxEventSize = 4096;
        _server.On(StreamPath, Sse("id: 1\nevent: workflow.started\ndata: \"" + new string('x', 64 * 1024) + "\"\n\n"));

        await Assert.ThrowsAsync<SseLimitExceededException>(() => WatchAsync(options));
    }

    [Fact]
    public async Task Watch_ServerDownForTheOfflineBudget_GivesUpWithOfflineBudgetExceeded()
    {
        var options = Options();
        options.OfflineBudget = TimeSpan.FromMilliseconds(300);
        _server.On(StreamPath, Status(503));
        _server.On(SnapshotPath, Status(503));

        var ex = await Assert.ThrowsAsync<OfflineBudgetExceededException>(() => WatchAsync(options));

        Assert.Equal(TimeSpan.FromMilliseconds(300), ex.Budget);
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    private ExecutionWatcherOptions Options() => new()
    {
        BaseAddress = _server.BaseAddress,
        PollInterval = TimeSpan.FromMilliseconds(20),
        OnNotice = n => { lock (_notices) { _notices.Add(n); } },
        Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(10), MaxReconnectDelay = TimeSpan.FromMilliseconds(40) },
    };

    private async Task<List<ExecutionEvent>> WatchAsync(ExecutionWatcherOptions options, ClientHandler handler = ClientHandler.Sockets)
    {
        using var http1 = handler == ClientHandler.Http1Streaming ? new HttpClient(new Http1StreamingHandler()) : null;
        var watcher = new ExecutionWatcher(http1 ?? _client, options);
        var items = new List<ExecutionEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var item in watcher.WatchAsync(Id, timeout.Token))
        {
            items.Add(item);
        }

        return items;
    }
}
