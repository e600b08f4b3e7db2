using System.Net;
using System.Text;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Testing;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.Tests.TestSupport.ScriptedHandler;

namespace ResilientSse.Tests.Executions;

/// <summary>The watcher's promises (CONTRACT §3) over a scripted in-memory server and a fake clock.</summary>
public sealed class ExecutionWatcherTests : IDisposable
{
    private readonly ScriptedHandler _server = new();
    private readonly TestClock _clock = new();
    private readonly List<ExecutionWatchNotice> _notices = [];

    [Fact]
    public async Task WatchAsync_StreamDeliversTerminal_YieldsEveryEventOnceAndCompletes()
    {
        _server.On(StreamPath, Sse(Events(1, 8)));

        var items = await WatchAsync();

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.All(items, e => Assert.Equal(ExecutionEventSource.Stream, e.Source));
        Assert.True(items[^1].IsTerminal);
        Assert.Equal(ExecutionStatus.Completed, items[^1].Status);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task WatchAsync_DropRightBeforeTerminalAndSnapshotTerminal_ResumesAtOnceWithoutWaiting()
    {
        // The seed's failure: the proxy cut the stream just before workflow.completed.
        _server.On(StreamPath, Sse(Events(1, 7)), Sse(Events(8, 8)));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        // No clock advance: a backoff or retry: wait here would hang the watch.
        var items = await WatchAsync(drive: false);

        Assert.Equal(8, items.Count);
        Assert.Equal(ExecutionEventSource.Stream, items[^1].Source);
        Assert.Equal("workflow.completed", items[^1].Type);
        Assert.Equal("7", _server.RequestsTo(StreamPath)[1].LastEventId);
        Assert.Empty(_server.RequestsTo(SnapshotPath)); // one round trip: the resume itself brought the terminal event
    }

    [Fact]
    public async Task WatchAsync_StreamSendsOnlyHeartbeatsWhileTheSnapshotShowsTheEnd_AbandonsItAndEndsWithTheSnapshot()
    {
        // A server that lost the final events but keeps the connection alive: no stall, so only the snapshot can tell.
        _server.On(StreamPath, _ => HeartbeatResponse(Events(1, 3)), _ => HeartbeatResponse(string.Empty));
        _server.On(SnapshotPath, Json(Snapshot("completed", 4)));
        var options = Options();
        options.QuietStreamCheckInterval = TimeSpan.FromSeconds(30);
        var started = _clock.GetTimestamp();

        var items = await WatchAsync(options);

        Assert.Equal([1, 2, 3, 4], items.Select(e => e.Sequence)); // the snapshot-built terminal carries the id it stands for
        Assert.Equal(ExecutionEventSource.Snapshot, items[^1].Source);
        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        // What ended the first connection was the quiet check, not an idle timeout (heartbeats keep it from firing).
        Assert.Contains(_notices, n => n.Kind == ExecutionWatchNoticeKind.Disconnected && n.Message.Contains("no new event", StringComparison.Ordinal));
        Assert.True(_clock.GetElapsedTime(started) >= TimeSpan.FromSeconds(30), "abandoned before the stream had been quiet for the interval");
        // The abandoned connection had delivered events, but the snapshot had shown the end: no resume at once, no
        // second quiet interval, and no catch-up attempt for a terminal event this stream has shown it will not send.
        Assert.Single(_server.RequestsTo(StreamPath));
        // The quiet check's snapshot is the one the watch decides with: it is read once, not again.
        Assert.Single(_server.RequestsTo(SnapshotPath));
    }

    [Fact]
    public async Task WatchAsync_StreamQuietWhileTheSnapshotSaysRunning_KeepsTheConnection()
    {
        // The rest of the run comes only once the quiet check has read the snapshot (which says running), so the test
        // cannot pass without a check that kept the connection; the check runs off the timer's thread, at its own pace.
        _server.On(StreamPath, _ => HeartbeatResponse(Events(1, 3), after: Events(4, 8), afterDelay: TimeSpan.FromSeconds(200),
            release: () => _server.RequestsTo(SnapshotPath).Count > 0));
        _server.On(SnapshotPath, Json(Snapshot("running", 3)));
        var options = Options();
        options.QuietStreamCheckInterval = TimeSpan.FromSeconds(30);

        var items = await WatchAsync(options);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Single(_server.RequestsTo(StreamPath));
        Assert.NotEmpty(_server.RequestsTo(SnapshotPath)); // the quiet check read it, found the run going, and kept the connection
    }

    [Fact]
    public async Task WatchAsync_HealthyConnectionsCutByAProxyDuringALongStage_AreNoFailuresAndNeverSendTheWatchToPolling()
    {
        // A long stage behind a proxy that ends connections after 40 s: heartbeats, no event, a clean end — six times.
        var quietCuts = Enumerable.Repeat<Func<HttpRequestMessage, HttpResponseMessage>>(
            _ => HeartbeatResponse(string.Empty, after: string.Empty, afterDelay: TimeSpan.FromSeconds(40)), 6);
        _server.On(StreamPath, [_ => HeartbeatResponse(Events(1, 1), after: string.Empty, afterDelay: TimeSpan.FromSeconds(40)), .. quietCuts, Sse(Events(2, 8))]);
        _server.On(SnapshotPath, Json(Snapshot("running", 1)));
        var options = Options();
        options.MaxStreamFailures = 3;

        var items = await WatchAsync(options);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.DoesNotContain(_notices, n => n.Kind == ExecutionWatchNoticeKind.PollingStarted);
        Assert.Equal(8, _server.RequestsTo(StreamPath).Count);
    }

    [Fact]
    public async Task WatchAsync_CutTwiceWhileDelivering_OneFastResumeThenWaitsRetryForTheStreamsTerminal()
    {
        _server.On(StreamPath, Sse(Events(1, 5)), Sse(Events(6, 7)), Sse(Events(8, 8)));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await WatchAsync();

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Equal(ExecutionEventSource.Stream, items[^1].Source);
        Assert.Equal([null, "5", "7"], _server.RequestsTo(StreamPath).Select(r => r.LastEventId));
        var waits = _notices.Where(n => n.Kind == ExecutionWatchNoticeKind.Reconnecting).Select(n => n.Delay!.Value).ToList();
        Assert.Equal(TimeSpan.Zero, waits[0]);
        Assert.True(waits[1] >= Options().Stream.InitialReconnectDelay, $"the second resume came after {waits[1]}, sooner than the reconnection time");
        Assert.Empty(_server.RequestsTo(SnapshotPath)); // cuts of delivering connections are resumed without asking the snapshot
    }

    [Fact]
    public async Task WatchAsync_DropRightBeforeTerminalThenStreamRefuses_EndsAtOnceWithSnapshotTerminalAndNoGap()
    {
        // The seed's failure with a stream that will not come back: the snapshot stands for the terminal event.
        _server.On(StreamPath, Sse(Events(1, 7)), Status(HttpStatusCode.ServiceUnavailable));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        // No clock advance: waiting out the backoff or the catch-up timeout here would hang the watch.
        var items = await WatchAsync(drive: false);

        Assert.Equal(8, items.Count);
        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(ExecutionEventSource.Snapshot, items[^1].Source);
        Assert.Equal(ExecutionStatus.Completed, items[^1].Status);
        // The cut one and the fast resume; that was refused, so its backoff is owed and the snapshot stands for the terminal at once.
        Assert.Equal(2, _server.RequestsTo(StreamPath).Count);
    }

    [Fact]
    public async Task WatchAsync_StreamRefusedWithRetryAfter_NoStreamRequestBeforeItButTheSnapshotEndsTheWatchAtOnce()
    {
        // A wait is owed to the endpoint that asked for it: the snapshot still tells at once that the run ended.
        _server.On(StreamPath, Sse(Events(1, 7)), Status(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30)));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await WatchAsync(drive: false);

        Assert.Equal(ExecutionEventSource.Snapshot, items[^1].Source);
        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(2, _server.RequestsTo(StreamPath).Count);
    }

    [Fact]
    public async Task WatchAsync_DropThenStreamRefusesAndSnapshotTerminal_ReportsGapAndEndsWithSnapshotTerminal()
    {
        _server.On(StreamPath, Sse(Events(1, 5)), Status(HttpStatusCode.ServiceUnavailable));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await WatchAsync();

        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long?)i), items.Take(5).Select(e => e.Sequence));
        var gap = items[5];
        Assert.Equal(ExecutionEventKind.Gap, gap.Kind);
        Assert.Equal((6L, 7L), (gap.MissingFrom!.Value, gap.MissingTo!.Value));
        var terminal = items[6];
        Assert.Equal(ExecutionEventSource.Snapshot, terminal.Source);
        Assert.Equal(ExecutionStatus.Completed, terminal.Status);
        Assert.Equal(7, items.Count);
    }

    [Fact]
    public async Task WatchAsync_DropWhileSnapshotRunning_ReconnectsWithLastEventIdAndGetsTheRest()
    {
        _server.On(StreamPath, Sse(Events(1, 3)), Sse(Events(4, 6)), Sse(Events(7, 8)));
        _server.On(SnapshotPath, Json(Snapshot("running", 3)), Json(Snapshot("running", 6)));

        var items = await WatchAsync();

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Equal([null, "3", "6"], _server.RequestsTo(StreamPath).Select(r => r.LastEventId));
        Assert.Contains(_notices, n => n.Kind == ExecutionWatchNoticeKind.Reconnecting);
    }

    [Fact]
    public async Task WatchAsync_ServerReplaysFromOneAndRepeats_YieldsEachIdOnce()
    {
        _server.On(StreamPath, Sse(Events(1, 4)), Sse(Events(1, 4) + Events(3, 8)));
        _server.On(SnapshotPath, Json(Snapshot("running", 4)));

        var items = await WatchAsync();

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Contains(_notices, n => n.Kind == ExecutionWatchNoticeKind.DuplicateDropped);
    }

    [Fact]
    public async Task WatchAsync_IdsJumpOnTheStream_ReportsTheSkippedIdsAsAGap()
    {
        _server.On(StreamPath, Sse(Events(1, 2) + Events(6, 8)));

        var items = await WatchAsync();

        Assert.Equal([1, 2, null, 6, 7, 8], items.Select(e => e.Sequence));
        Assert.Equal((3L, 5L), (items[2].MissingFrom!.Value, items[2].MissingTo!.Value));
    }

    [Fact]
    public async Task WatchAsync_StreamNotFoundButSnapshotLive_PollsTheSnapshotUntilTerminal()
    {
        _server.On(StreamPath, Status(HttpStatusCode.NotFound));
        _server.On(SnapshotPath, Json(Snapshot("running", 2)), Json(Snapshot("running", 5)), Json(Snapshot("failed", 6)));

        var items = await WatchAsync();

        Assert.Equal(2, items.Count);
        Assert.Equal((1L, 5L), (items[0].MissingFrom!.Value, items[0].MissingTo!.Value));
        Assert.Equal(ExecutionStatus.Failed, items[1].Status);
        Assert.Equal("workflow.failed", items[1].Type);
        Assert.Contains(_notices, n => n.Kind == ExecutionWatchNoticeKind.PollingStarted);
    }

    [Fact]
    public async Task WatchAsync_StreamAnswersHtml_FallsBackToPolling()
    {
        _server.On(StreamPath, _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html/>", null, "text/html") });
        _server.On(SnapshotPath, Json(Snapshot("cancelled", 0)));

        var items = await WatchAsync();

        var terminal = Assert.Single(items);
        Assert.Equal(ExecutionStatus.Cancelled, terminal.Status);
        Assert.Contains(_notices, n => n.Kind == ExecutionWatchNoticeKind.PollingStarted);
    }

    [Fact]
    public async Task WatchAsync_UnknownExecution_ThrowsExecutionNotFound()
    {
        _server.On(StreamPath, Status(HttpStatusCode.NotFound));
        _server.On(SnapshotPath, Status(HttpStatusCode.NotFound));

        var ex = await Assert.ThrowsAsync<ExecutionNotFoundException>(() => WatchAsync());

        Assert.Equal(Id, ex.ExecutionId);
        Assert.Contains(Id, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task WatchAsync_AccessRefused_ThrowsStatusExceptionAtOnce(HttpStatusCode status)
    {
        _server.On(StreamPath, Status(status));

        var ex = await Assert.ThrowsAsync<SseHttpStatusException>(() => WatchAsync(drive: false));

        Assert.Equal(status, ex.StatusCode);
        Assert.Contains(Id, ex.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task WatchAsync_NonNumericEventId_ThrowsProtocolException()
    {
        _server.On(StreamPath, Sse("id: abc\nevent: node.started\ndata: {}\n\n"));

        var ex = await Assert.ThrowsAsync<ExecutionProtocolException>(() => WatchAsync(drive: false));

        Assert.Contains("'abc'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_MalformedSnapshot_ThrowsProtocolException()
    {
        _server.On(StreamPath, Sse(Events(1, 2)));
        _server.On(SnapshotPath, Json("{\"status\": 7"));

        await Assert.ThrowsAsync<ExecutionProtocolException>(() => WatchAsync(drive: false));
    }

    [Fact]
    public async Task WatchAsync_OversizedLine_ThrowsLimitExceeded()
    {
        var options = Options();
        options.Stream.MaxEventSize = 1024;
        _server.On(StreamPath, Sse("id: 1\nevent: workflow.started\ndata: " + new string('x', 4096) + "\n\n"));

        await Assert.ThrowsAsync<SseLimitExceededException>(() => WatchAsync(options, drive: false));
    }

    [Fact]
    public async Task WatchAsync_ServerUnreachableForTheOfflineBudget_GivesUp()
    {
        var options = Options();
        options.OfflineBudget = TimeSpan.FromMinutes(2);
        _server.On(StreamPath, Status(HttpStatusCode.ServiceUnavailable));
        _server.On(SnapshotPath, Status(HttpStatusCode.BadGateway));

        var ex = await Assert.ThrowsAsync<OfflineBudgetExceededException>(() => WatchAsync(options, step: TimeSpan.FromSeconds(5)));

        Assert.True(ex.OfflineFor >= TimeSpan.FromMinutes(2), ex.OfflineFor.ToString());
        Assert.Contains(Id, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException); // the last failure, as SseClient's exception carries it
        Assert.Contains(ex.InnerException.Message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.MethodNotAllowed)]
    [InlineData(HttpStatusCode.Unauthorized)]
    public async Task GetSnapshotAsync_PermanentErrorStatus_ThrowsSseHttpStatusExceptionWithTheStatus(HttpStatusCode status)
    {
        _server.On(SnapshotPath, Status(status));

        var ex = await Assert.ThrowsAsync<SseHttpStatusException>(() => CreateWatcher(Options()).GetSnapshotAsync(Id));

        Assert.Equal(status, ex.StatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task GetSnapshotAsync_TransientStatus_ThrowsSseTransientExceptionWithStatusAndRetryAfter(HttpStatusCode status)
    {
        _server.On(SnapshotPath, _ =>
        {
            var response = new HttpResponseMessage(status);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
            return response;
        });

        var ex = await Assert.ThrowsAsync<SseTransientException>(() => CreateWatcher(Options()).GetSnapshotAsync(Id));

        Assert.Equal((SseTransientReason.HttpStatus, status, TimeSpan.FromSeconds(2)), (ex.Reason, ex.StatusCode, ex.RetryAfter));
    }

    [Fact]
    public async Task GetSnapshotAsync_ServerUnreachable_ThrowsSseTransientExceptionWithTheCause()
    {
        using var refusing = new HttpClient(new RefusingHandler());
        var watcher = new ExecutionWatcher(refusing, Options(), _clock);

        var ex = await Assert.ThrowsAsync<SseTransientException>(() => watcher.GetSnapshotAsync(Id));

        Assert.Equal(SseTransientReason.NetworkError, ex.Reason);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Contains(Id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_SnapshotAnswersWhileStreamIsDown_DoesNotGiveUp()
    {
        var options = Options();
        options.OfflineBudget = TimeSpan.FromSeconds(30);
        var polls = 0;
        _server.On(StreamPath, Status(HttpStatusCode.ServiceUnavailable));
        _server.On(SnapshotPath, _ => Json(Snapshot(++polls < 40 ? "running" : "completed", 0))(null!));

        var items = await WatchAsync(options, step: TimeSpan.FromSeconds(5));

        Assert.True(items[^1].IsTerminal);
        Assert.True(polls >= 40);
    }

    [Fact]
    public async Task WatchAsync_ConsumerBreaksEarly_StopsRequesting()
    {
        _server.On(StreamPath, Sse(Events(1, 8)));
        var watcher = CreateWatcher(Options());

        await foreach (var item in watcher.WatchAsync(Id))
        {
            break;
        }

        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task WatchAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        _server.On(StreamPath, Sse(Events(1, 3)));
        _server.On(SnapshotPath, Json(Snapshot("running", 3)));
        var watcher = CreateWatcher(Options());

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in watcher.WatchAsync(Id, cts.Token))
            {
                if (item.Sequence == 3)
                {
                    await cts.CancelAsync();
                }
            }
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(cts.IsCancellationRequested, ex.Message);
    }

    private ExecutionWatcherOptions Options() => new()
    {
        BaseAddress = new Uri("http://127.0.0.1:5080/"),
        OnNotice = n => { lock (_notices) { _notices.Add(n); } },
        Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(4) },
    };

    private ExecutionWatcher CreateWatcher(ExecutionWatcherOptions options) => new(new HttpClient(_server), options, _clock);

    private Task<List<ExecutionEvent>> WatchAsync(bool drive = true) => WatchAsync(Options(), drive);

    private async Task<List<ExecutionEvent>> WatchAsync(ExecutionWatcherOptions options, bool drive = true, TimeSpan? step = null)
    {
        var watcher = CreateWatcher(options);
        var work = Collect(watcher.WatchAsync(Id));
        return drive
            ? await _clock.DriveAsync(work, step ?? TimeSpan.FromSeconds(1))
            : await work.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<List<ExecutionEvent>> Collect(IAsyncEnumerable<ExecutionEvent> events)
    {
        var items = new List<ExecutionEvent>();
        await foreach (var item in events)
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>A stream response: <paramref name="events"/>, then a heartbeat comment every 5 s of the test clock, and
    /// <paramref name="after"/> once <paramref name="afterDelay"/> has passed and <paramref name="release"/> allows (if given), then the end.</summary>
    private HttpResponseMessage HeartbeatResponse(string events, string? after = null, TimeSpan? afterDelay = null, Func<bool>? release = null)
    {
        var content = new StreamContent(new HeartbeatStream(Encoding.UTF8.GetBytes(events), after is null ? null : Encoding.UTF8.GetBytes(after), afterDelay, release, _clock));
        content.Headers.ContentType = new("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private sealed class HeartbeatStream(byte[] events, byte[]? after, TimeSpan? afterDelay, Func<bool>? release, TimeProvider clock) : ReadOnlyTestStream
    {
        private readonly long _opened = clock.GetTimestamp();
        private byte[] _pending = events;
        private bool _ended;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_pending.Length == 0)
            {
                if (_ended)
                {
                    return 0;
                }

                await Task.Delay(TimeSpan.FromSeconds(5), clock, cancellationToken);
                if (after is not null && clock.GetElapsedTime(_opened) >= afterDelay && (release?.Invoke() ?? true))
                {
                    (_pending, _ended) = (after, true);
                }
                else
                {
                    _pending = ": keep-alive\n\n"u8.ToArray();
                }
            }

            var count = Math.Min(buffer.Length, _pending.Length);
            _pending.AsSpan(0, count).CopyTo(buffer.Span);
            _pending = _pending[count..];
            return count;
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _clock.Dispose();
    }
}
