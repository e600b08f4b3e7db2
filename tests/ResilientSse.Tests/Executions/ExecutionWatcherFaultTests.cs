using System.Diagnostics;
using System.Net;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.Tests.TestSupport.ScriptedHandler;

namespace ResilientSse.Tests.Executions;

/// <summary>
/// The watcher under the faults an independent hostile server found (issue 8), each a transition the old engine got
/// wrong: over a scripted in-memory server and a fake clock.
/// </summary>
public sealed class ExecutionWatcherFaultTests : IDisposable
{
    private static readonly TimeSpan RetryAfterOne = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    private readonly ScriptedHandler _server = new();
    private readonly TestClock _clock = new();
    private readonly List<ExecutionWatchNotice> _notices = [];

    public ExecutionWatcherFaultTests() => _server.Clock = _clock;

    [Fact]
    public async Task WatchAsync_SnapshotTurnsTerminalBetweenTwo503s_NoStreamRequestBeforeItsRetryAfter()
    {
        _server.On(StreamPath, Sse(Events(1, 3)),
            Status(HttpStatusCode.ServiceUnavailable, RetryAfterOne), Status(HttpStatusCode.ServiceUnavailable, RetryAfterOne),
            Status(HttpStatusCode.ServiceUnavailable, RetryAfterOne), Sse(Events(4, 8)));
        _server.On(SnapshotPath, Json(Snapshot("running", 3)), Json(Snapshot("completed", 8)));

        var items = await WatchAsync(Options());

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        AssertEveryRefusalWasWaitedOut(RetryAfterOne);
    }

    [Fact]
    public async Task WatchAsync_CatchUpOverConnectionsCutInsideEvents_FetchesEverythingWithoutAGap()
    {
        // Every request gets a 200 and a correct replay, cut after a few bytes; a watch must not call that a gap.
        var cut = Enumerable.Repeat(Sse("retry: 1000\n\nid: 4\nevent: node.started\ndata: {\"exec"), 12).ToArray();
        _server.On(StreamPath, [Sse(Events(1, 3)), Status(HttpStatusCode.ServiceUnavailable), .. cut, Sse(Events(4, 8))]);
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await WatchAsync(Options());

        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Equal(ExecutionEventSource.Stream, items[^1].Source);
    }

    [Fact]
    public async Task WatchAsync_RetryAfterLongerThanAnyOldCatchUpBudgetWhileCatchingUp_WaitsItAndGetsTheEvents()
    {
        var six = TimeSpan.FromSeconds(6);
        _server.On(StreamPath, Sse(Events(1, 3)), Status(HttpStatusCode.ServiceUnavailable, six), Status(HttpStatusCode.ServiceUnavailable, six), Sse(Events(4, 8)));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await WatchAsync(Options());

        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(8, items.Count);
        AssertEveryRefusalWasWaitedOut(six);
    }

    [Fact]
    public async Task WatchAsync_CatchUpRefusedBeyondTheBound_ReportsTheGapThen()
    {
        var options = Options();
        options.MaxStreamFailures = 3;
        _server.On(StreamPath, Sse(Events(1, 3)), Status(HttpStatusCode.ServiceUnavailable, RetryAfterOne));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await WatchAsync(options);

        var gap = Assert.Single(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal((4L, 7L), (gap.MissingFrom!.Value, gap.MissingTo!.Value));
        Assert.Equal(ExecutionEventSource.Snapshot, items[^1].Source);
        AssertEveryRefusalWasWaitedOut(RetryAfterOne);
    }

    [Fact]
    public async Task WatchAsync_ServerCutsAfterEveryEvent_OneFastResumeThenItsRetryEachTime()
    {
        // retry: 3000; each connection delivers one event and is cut at once: no burst of immediate reconnections.
        var steps = Enumerable.Range(1, 8).Select(id => Sse(Events(id, id, retryMs: 3000))).ToArray();
        _server.On(StreamPath, steps);
        _server.On(SnapshotPath, Json(Snapshot("running", 1)));

        var items = await WatchAsync(Options());

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        var gaps = Gaps(_server.RequestsTo(StreamPath));
        Assert.Equal(TimeSpan.Zero, gaps[0]);
        Assert.All(gaps.Skip(1), gap => Assert.True(gap >= TimeSpan.FromSeconds(3), $"a reconnection {gap} after the previous one, sooner than retry: 3000"));
    }

    [Fact]
    public async Task WatchAsync_EventWithoutAnId_IsYieldedOnceNeitherDuplicateNorGap()
    {
        const string Progress = "event: node.progress\ndata: {\"executionId\":\"wf_exec_test\",\"percent\":50}\n\n";
        _server.On(StreamPath, Sse(Events(1, 2) + Progress + Events(3, 8).Replace("retry: 1000\n\n", string.Empty, StringComparison.Ordinal)));

        var items = await WatchAsync(Options(), drive: false);

        Assert.Equal(["workflow.started", "node.started", "node.progress", "node.completed"], items.Take(4).Select(e => e.Type));
        Assert.Null(items[2].Id);
        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.DoesNotContain(_notices, n => n.Kind == ExecutionWatchNoticeKind.DuplicateDropped);
        Assert.Equal(9, items.Count);
    }

    [Fact]
    public async Task WatchAsync_SnapshotAnswers404WhileTheStreamOnlyRefuses_IsAHiccupNotAnUnknownExecution()
    {
        // CONTRACT §3.7: an unknown execution is a 404 on both endpoints.
        _server.On(StreamPath, Status(HttpStatusCode.ServiceUnavailable), Status(HttpStatusCode.ServiceUnavailable), Sse(Events(1, 8)));
        _server.On(SnapshotPath, Status(HttpStatusCode.NotFound), Json(Snapshot("running", 0)));

        var items = await WatchAsync(Options());

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
    }

    [Fact]
    public async Task WatchAsync_TerminalEventWithoutAnIdAfterSkippedIds_ReportsTheGapTheSnapshotShows()
    {
        const string Completed = "event: workflow.completed\ndata: {\"executionId\":\"wf_exec_test\",\"status\":\"completed\"}\n\n";
        _server.On(StreamPath, Sse(Events(1, 2) + Completed));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await WatchAsync(Options(), drive: false);

        Assert.Equal([1, 2, null, null], items.Select(e => e.Sequence));
        Assert.Equal((3L, 7L), (items[2].MissingFrom!.Value, items[2].MissingTo!.Value));
        Assert.True(items[3].IsTerminal);
        Assert.Equal(ExecutionEventSource.Stream, items[3].Source);
    }

    [Fact]
    public async Task WatchAsync_EnumeratedTwice_EachEnumerationIsItsOwnWholeWatch()
    {
        _server.On(StreamPath, Sse(Events(1, 8)));
        var watch = CreateWatcher(Options()).WatchAsync(Id);

        var first = await Collect(watch).WaitAsync(TimeSpan.FromSeconds(10));
        var second = await Collect(watch).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(8, first.Count);
        Assert.Equal(first.Select(e => (e.Sequence, e.Source)), second.Select(e => (e.Sequence, e.Source)));
        Assert.Equal([null, null], _server.RequestsTo(StreamPath).Select(r => r.LastEventId));
    }

    [Fact]
    public async Task WatchAsync_TwoEnumerationsAtOnce_DoNotSplitTheItems()
    {
        _server.On(StreamPath, Sse(Events(1, 8)));
        var watch = CreateWatcher(Options()).WatchAsync(Id);

        var both = await Task.WhenAll(Collect(watch), Collect(watch)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(both, items => Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence)));
    }

    [Fact]
    public async Task WatchAsync_NoticesCarryConnectionsResumptionAndTheCauseOfAReconnect()
    {
        var notices = new List<ExecutionWatchNotice>();
        var options = Options();
        options.OnNotice = notices.Add;
        _server.On(StreamPath, Sse(Events(1, 5)), Sse(Events(6, 8)));

        await WatchAsync(options, drive: false);

        var connected = notices.Where(n => n.Kind == ExecutionWatchNoticeKind.Connected).ToList();
        Assert.Equal([1, 2], connected.Select(c => c.Attempt));
        Assert.Contains("resuming after event 5", connected[1].Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, Assert.Single(notices, n => n.Kind == ExecutionWatchNoticeKind.Reconnecting).Delay);
    }

    [Fact]
    public async Task WatchAsync_ConsumersCode_NeverRunsUnderTheLibrarysActivity()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ResilientSse",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var consumerSource = new ActivitySource("ResilientSse.Tests.Consumer");
        using var consumerListener = new ActivityListener
        {
            ShouldListenTo = source => source == consumerSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(consumerListener);
        _server.On(StreamPath, Sse(Events(1, 5)), Sse(Events(6, 8)));
        var watcher = CreateWatcher(Options());
        using var mine = consumerSource.StartActivity("consumer")!;
        var seenInTheLoop = new List<Activity?>();

        await foreach (var item in watcher.WatchAsync(Id))
        {
            seenInTheLoop.Add(Activity.Current);
        }

        Assert.Equal(8, seenInTheLoop.Count);
        Assert.All(seenInTheLoop, current => Assert.Same(mine, current));
        Assert.Same(mine, Activity.Current);
    }

    /// <summary>§3.6: the quiet check sends no snapshot request before a Retry-After the snapshot endpoint asked for.</summary>
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
    /// §3.4: a gap never means that the watcher's own timer ran out while the server was replaying: the quiet check does
    /// not count the time a consumer spends on an event while catching up.
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
    /// §3.4: while catching up, the quiet check starts once connected: a server that takes longer than the quiet interval
    /// (but less than the idle timeout) to answer the replay request still gets to replay.
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
    /// §3.3 (never hangs in running): a server that always dies while writing the next event (a poison event, a proxy
    /// with a body limit) has the snapshot read after each cut, so the watch ends once the execution did.
    /// </summary>
    [Fact]
    public async Task WatchAsync_EveryConnectionCutInsideTheNextEventWhileStreaming_EndsFromTheSnapshot()
    {
        var options = Options();
        options.OfflineBudget = TimeSpan.FromMinutes(2);
        _server.On(StreamPath, Sse(Events(1, 3)), Sse("retry: 1000\n\nid: 4\nevent: node.started\ndata: {\"exec"));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));
        var items = await RunForAtMostAsync(CreateWatcher(options), TimeSpan.FromMinutes(30), "a stream cut inside event 4");

        Assert.True(items[^1].IsTerminal);
    }

    /// <summary>§3.5: polling goes on while a long Retry-After is owed to the stream, and ends when the snapshot does.</summary>
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
    /// §3.3 and §3.10: an id-less event is yielded but is not progress through the log: a server that greets every
    /// connection with one and then ends it does not keep the watch reconnecting for ever.
    /// </summary>
    [Fact]
    public async Task WatchAsync_EveryConnectionBringsOnlyAnIdlessGreeting_EndsFromTheSnapshot()
    {
        var options = Options();
        options.OfflineBudget = TimeSpan.FromMinutes(2);
        _server.On(StreamPath, Sse(Events(1, 3)), Sse("retry: 1000\n\nevent: hello\ndata: {}\n\n"));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));
        var items = await RunForAtMostAsync(CreateWatcher(options), TimeSpan.FromMinutes(30), "id-less greetings");

        Assert.True(items[^1].IsTerminal);
    }

    [Fact]
    public async Task WatchAsync_ConnectionsAfterTheFirstYield_AreStillChildrenOfTheWatchActivity()
    {
        // An async iterator does not keep Activity.Current across a yield: the library names the parent itself.
        // The test's own root activity tells its watch apart from those of tests running beside it.
        using var rootSource = new ActivitySource("ResilientSse.Tests.Root");
        var started = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ResilientSse" || source == rootSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity => { lock (started) { started.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        _server.On(StreamPath, Sse(Events(1, 3)), Sse(Events(4, 6)), Sse(Events(7, 8)));
        _server.On(SnapshotPath, Json(Snapshot("running", 3)));
        using var root = rootSource.StartActivity("root")!;

        var items = await WatchAsync(Options());

        Assert.Equal(8, items.Count);
        Activity watch;
        List<Activity> connects;
        lock (started)
        {
            watch = Assert.Single(started, a => a.OperationName == "ResilientSse.Watch" && a.ParentSpanId == root.SpanId);
            connects = started.Where(a => a.OperationName == "ResilientSse.Connect" && a.ParentSpanId == watch.SpanId).ToList();
        }

        Assert.Equal(3, connects.Count);
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

    /// <summary>Runs a watch while moving the clock 5 s at a time, for at most <paramref name="limit"/> of it; fails naming <paramref name="what"/> if it has not ended.</summary>
    private async Task<List<ExecutionEvent>> RunForAtMostAsync(ExecutionWatcher watcher, TimeSpan limit, string what)
    {
        using var stop = new CancellationTokenSource();
        var work = Collect(watcher.WatchAsync(Id), stop.Token);
        try
        {
            var start = _clock.GetUtcNow();
            for (var i = 0; i < 2000 && !work.IsCompleted && _clock.GetUtcNow() - start < limit; i++)
            {
                await Task.WhenAny(work, Task.Delay(5));
                _clock.Advance(TimeSpan.FromSeconds(5));
            }

            Assert.True(work.IsCompleted,
                $"after {_clock.GetUtcNow() - start} of {what} ({_server.RequestsTo(StreamPath).Count} stream requests), " +
                $"the watch still runs; the snapshot was read {_server.RequestsTo(SnapshotPath).Count} times");
            return await work;
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    /// <summary>Every stream request that followed a refusal came no sooner than <paramref name="retryAfter"/> after it.</summary>
    private void AssertEveryRefusalWasWaitedOut(TimeSpan retryAfter)
    {
        var requests = _server.RequestsTo(StreamPath);
        for (var i = 1; i < requests.Count; i++)
        {
            if (requests[i - 1].Status != HttpStatusCode.OK)
            {
                var waited = requests[i].At!.Value - requests[i - 1].At!.Value;
                Assert.True(waited >= retryAfter, $"stream request {i + 1} went out {waited} after a refusal that asked for {retryAfter}");
            }
        }
    }

    private static List<TimeSpan> Gaps(IReadOnlyList<RecordedRequest> requests) =>
        requests.Zip(requests.Skip(1), (a, b) => b.At!.Value - a.At!.Value).ToList();

    private ExecutionWatcherOptions Options() => new()
    {
        BaseAddress = new Uri("http://127.0.0.1:5080/"),
        OnNotice = n => { lock (_notices) { _notices.Add(n); } },
        Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(4) },
    };

    private ExecutionWatcher CreateWatcher(ExecutionWatcherOptions options) => new(new HttpClient(_server), options, _clock);

    private async Task<List<ExecutionEvent>> WatchAsync(ExecutionWatcherOptions options, bool drive = true)
    {
        var work = Collect(CreateWatcher(options).WatchAsync(Id));
        var items = drive ? await _clock.DriveAsync(work, TimeSpan.FromSeconds(1)) : await work.WaitAsync(TimeSpan.FromSeconds(10));
        return items;
    }

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
