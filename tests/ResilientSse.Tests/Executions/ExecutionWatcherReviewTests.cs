using System.Net;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.Tests.TestSupport.ScriptedHandler;

namespace ResilientSse.Tests.Executions;

/// <summary>Review of the rebuilt watch core: transitions that break a promise of CONTRACT §3, over a scripted server and a fake clock.</summary>
public sealed class ExecutionWatcherReviewTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    private readonly ScriptedHandler _server = new();
    private readonly TestClock _clock = new();

    public ExecutionWatcherReviewTests() => _server.Clock = _clock;

    /// <summary>
    /// §3.6 and the loop's own rule ("no snapshot request before a Retry-After the snapshot endpoint sent"): the quiet
    /// check reads the snapshot beside a quiet stream without looking at the Retry-After the snapshot endpoint asked for.
    /// </summary>
    [Fact]
    public async Task WatchAsync_QuietCheckWhileTheSnapshotEndpointOwesARetryAfter_SendsNoSnapshotRequestBeforeIt()
    {
        var sixty = TimeSpan.FromSeconds(60);
        var held = new ControlledStream();
        _server.On(StreamPath, Sse(Events(1, 3)), Status(HttpStatusCode.ServiceUnavailable), _ => Open(held));
        _server.On(SnapshotPath, Status(HttpStatusCode.ServiceUnavailable, sixty), Json(Snapshot("completed", 4)));

        var items = await _clock.DriveAsync(Collect(CreateWatcher(Options()).WatchAsync(Id)), Step);

        Assert.Equal(ExecutionEventSource.Snapshot, items[^1].Source);
        var reads = _server.RequestsTo(SnapshotPath);
        Assert.True(reads.Count >= 2);
        var waited = reads[1].At!.Value - reads[0].At!.Value;
        Assert.True(waited >= sixty, $"the snapshot was read again {waited} after it answered 503 with Retry-After: 60");
    }

    /// <summary>
    /// §3.4: a gap must never mean that the watcher's own timer ran out while the server was replaying. The quiet check
    /// counts the consumer's time on an event (the idle timeout no longer does): a consumer that spends longer than
    /// QuietStreamCheckInterval on one event while catching up gets the rest of a healthy replay reported as a gap.
    /// </summary>
    [Fact]
    public async Task WatchAsync_ConsumerSlowOnAnEventWhileCatchingUp_GetsTheRestOfTheReplayNotAGap()
    {
        var replay = new ControlledStream();
        replay.Send(Events(4, 4));
        _server.On(StreamPath, Sse(Events(1, 3)), Status(HttpStatusCode.ServiceUnavailable), _ => Open(replay));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));
        await using var watch = CreateWatcher(Options()).WatchAsync(Id).GetAsyncEnumerator();
        var items = new List<ExecutionEvent>();
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await _clock.DriveAsync(watch.MoveNextAsync().AsTask(), Step));
            items.Add(watch.Current);
        }

        // The consumer spends 20 s on event 4 (no read is pending meanwhile); then asks for more, and the server goes on.
        _clock.Advance(TimeSpan.FromSeconds(20));
        var next = watch.MoveNextAsync().AsTask();
        await replay.WaitForBlockedReadAsync();
        await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(1)));
        replay.Send(Events(5, 8).Replace("retry: 1000\n\n", string.Empty, StringComparison.Ordinal));
        replay.End();
        while (await _clock.DriveAsync(next, Step))
        {
            items.Add(watch.Current);
            next = watch.MoveNextAsync().AsTask();
        }

        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Equal(ExecutionEventSource.Stream, items[^1].Source);
    }

    /// <summary>
    /// §3.4: while catching up, the quiet check's timer starts before the request is sent, so a server that takes
    /// longer than QuietStreamCheckInterval (but well under the idle timeout) to answer the replay request has the
    /// connection abandoned before it answered, and the events it was about to replay are reported as a gap.
    /// </summary>
    [Fact]
    public async Task WatchAsync_ReplayRequestAnsweredAfterTheQuietIntervalWhileCatchingUp_IsNotAGap()
    {
        var slow = new SlowAnswerHandler(_server, _clock, slowRequest: 3, TimeSpan.FromSeconds(20));
        _server.On(StreamPath, Sse(Events(1, 3)), Status(HttpStatusCode.ServiceUnavailable), Sse(Events(4, 8)));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));
        var watcher = new ExecutionWatcher(new HttpClient(slow), Options(), _clock);

        var items = await _clock.DriveAsync(Collect(watcher.WatchAsync(Id)), Step);

        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
    }

    /// <summary>
    /// §3.3 ("never hangs in running … whenever the stream cannot deliver, to the snapshot"): in Streaming, a connection
    /// cut inside an event goes straight to Connect, counts as nothing and refreshes the offline budget's contact time,
    /// so a server that always dies while writing the next event (a poison event, a proxy with a body limit) keeps the
    /// watch "running" for ever: the snapshot, long terminal, is never read.
    /// </summary>
    [Fact]
    public async Task WatchAsync_EveryConnectionCutInsideTheNextEventWhileStreaming_EndsFromTheSnapshot()
    {
        var options = Options();
        options.OfflineBudget = TimeSpan.FromMinutes(2);
        _server.On(StreamPath, Sse(Events(1, 3)), Sse("retry: 1000\n\nid: 4\nevent: node.started\ndata: {\"exec"));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));
        using var stop = new CancellationTokenSource();
        var work = Collect(CreateWatcher(options).WatchAsync(Id), stop.Token);

        try
        {
            var start = _clock.GetUtcNow();
            for (var i = 0; i < 2000 && !work.IsCompleted && _clock.GetUtcNow() - start < TimeSpan.FromMinutes(30); i++)
            {
                await Task.WhenAny(work, Task.Delay(5));
                _clock.Advance(TimeSpan.FromSeconds(5));
            }

            Assert.True(work.IsCompleted,
                $"after {_clock.GetUtcNow() - start} of a stream cut inside event 4 ({_server.RequestsTo(StreamPath).Count} stream requests), " +
                $"the watch still runs; the terminal snapshot was read {_server.RequestsTo(SnapshotPath).Count} times");
            var items = await work;
            Assert.True(items[^1].IsTerminal);
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    /// <summary>
    /// §3.5/§3.3: in polling, once StreamRetryInterval passes the machine says Connect even while a long Retry-After
    /// of the stream is owed, and the loop then sleeps that whole Retry-After without reading the snapshot: an
    /// execution that ends meanwhile is noticed only an hour later.
    /// </summary>
    [Fact]
    public async Task WatchAsync_PollingWhileTheStreamOwesAnHourOfRetryAfter_KeepsPollingAndEndsWhenTheSnapshotDoes()
    {
        var start = _clock.GetUtcNow();
        _server.On(StreamPath, Status(HttpStatusCode.NotFound), Status(HttpStatusCode.ServiceUnavailable, TimeSpan.FromHours(1)));
        _server.On(SnapshotPath, _ => _clock.GetUtcNow() - start < TimeSpan.FromSeconds(70)
            ? Json(Snapshot("running", null))(null!)
            : Json(Snapshot("completed", 1))(null!));

        var items = await _clock.DriveAsync(Collect(CreateWatcher(Options()).WatchAsync(Id)), Step);

        var ended = items[^1].ReceivedAt - start;
        Assert.True(items[^1].IsTerminal);
        Assert.True(ended <= TimeSpan.FromSeconds(80),
            $"the snapshot turned terminal 70 s in; the watch ended {ended} in (snapshot reads at {string.Join(", ", _server.RequestsTo(SnapshotPath).Select(r => (r.At!.Value - start).TotalSeconds))} s)");
    }

    /// <summary>
    /// §3.3 and §3.10: an id-less event is legal and is yielded, but it is not progress through the log. A server that
    /// greets every connection with an id-less event and then ends it (its log lost the rest) is taken as
    /// "StreamDelivered" each time, so the watch reconnects for ever and never reads the (terminal) snapshot.
    /// </summary>
    [Fact]
    public async Task WatchAsync_EveryConnectionBringsOnlyAnIdlessGreeting_EndsFromTheSnapshot()
    {
        var options = Options();
        options.OfflineBudget = TimeSpan.FromMinutes(2);
        _server.On(StreamPath, Sse(Events(1, 3)), Sse("retry: 1000\n\nevent: hello\ndata: {}\n\n"));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));
        using var stop = new CancellationTokenSource();
        var work = Collect(CreateWatcher(options).WatchAsync(Id), stop.Token);
        try
        {
            var start = _clock.GetUtcNow();
            for (var i = 0; i < 2000 && !work.IsCompleted && _clock.GetUtcNow() - start < TimeSpan.FromMinutes(30); i++)
            {
                await Task.WhenAny(work, Task.Delay(5));
                _clock.Advance(TimeSpan.FromSeconds(5));
            }

            Assert.True(work.IsCompleted,
                $"after {_clock.GetUtcNow() - start} of id-less greetings ({_server.RequestsTo(StreamPath).Count} stream requests), " +
                $"the watch still runs; the terminal snapshot was read {_server.RequestsTo(SnapshotPath).Count} times");
            var items = await work;
            Assert.True(items[^1].IsTerminal);
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _clock.Dispose();
    }

    private static HttpResponseMessage Open(Stream body)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static ExecutionWatcherOptions Options() => new()
    {
        BaseAddress = new Uri("http://127.0.0.1:5080/"),
        Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(4) },
    };

    private ExecutionWatcher CreateWatcher(ExecutionWatcherOptions options) => new(new HttpClient(_server), options, _clock);

    private static async Task<List<ExecutionEvent>> Collect(IAsyncEnumerable<ExecutionEvent> events, CancellationToken cancellationToken = default)
    {
        var items = new List<ExecutionEvent>();
        await foreach (var item in events.WithCancellation(cancellationToken))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Answers the <c>slowRequest</c>-th stream request only after <c>delay</c> on the clock (a busy server), the rest at once.</summary>
    private sealed class SlowAnswerHandler(ScriptedHandler inner, TimeProvider clock, int slowRequest, TimeSpan delay) : DelegatingHandler(inner)
    {
        private int _streamRequests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath == StreamPath && Interlocked.Increment(ref _streamRequests) == slowRequest)
            {
                await Task.Delay(delay, clock, cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
