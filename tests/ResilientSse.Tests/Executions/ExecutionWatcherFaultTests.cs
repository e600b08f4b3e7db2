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
    public async Task WatchAsync_StreamCallbacksOfTheOptions_AreCalled()
    {
        var connected = new List<SseConnectedArguments>();
        var disconnected = new List<SseDisconnectedArguments>();
        var reconnecting = new List<SseReconnectingArguments>();
        var options = Options();
        (options.Stream.OnConnected, options.Stream.OnDisconnected, options.Stream.OnReconnecting) = (connected.Add, disconnected.Add, reconnecting.Add);
        _server.On(StreamPath, Sse(Events(1, 5)), Sse(Events(6, 8)));

        await WatchAsync(options, drive: false);

        Assert.Equal([(1, ""), (2, "5")], connected.Select(c => (c.Connection, c.LastEventId)));
        Assert.Equal([1, 2], disconnected.Select(d => d.Connection)); // as SseClient: every connection that ends, the last one too
        Assert.Equal(TimeSpan.Zero, Assert.Single(reconnecting).Delay);
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

    public void Dispose()
    {
        _server.Dispose();
        _clock.Dispose();
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

    private static async Task<List<ExecutionEvent>> Collect(IAsyncEnumerable<ExecutionEvent> events)
    {
        var items = new List<ExecutionEvent>();
        await foreach (var item in events)
        {
            items.Add(item);
        }

        return items;
    }
}
