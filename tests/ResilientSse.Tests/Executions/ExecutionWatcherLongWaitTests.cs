using System.Net;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.Tests.TestSupport.ScriptedHandler;

namespace ResilientSse.Tests.Executions;

/// <summary>The watcher while a long <c>Retry-After</c> is owed to one endpoint: the other keeps working, and nothing is hidden or crashes.</summary>
public sealed class ExecutionWatcherLongWaitTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    private readonly ScriptedHandler _server = new();
    private readonly TestClock _clock = new();

    public ExecutionWatcherLongWaitTests() => _server.Clock = _clock;

    /// <summary>
    /// §3.3 (a terminal snapshot ends the watch at once, no fixed sleeps) and §3.7 (give up only after the offline budget
    /// without contact): while streaming, a stream that answers 503 with <c>Retry-After: 3600</c> must not park the watch
    /// for the hour without reading the snapshot. Polling already keeps reading it (the fault tests' "PollingWhileTheStream
    /// OwesAnHourOfRetryAfter"); in Streaming the Connect action sits in the owed wait, so an execution that ended 70 s in
    /// is only noticed an hour later — and by then the offline budget (10 min, counted from the last snapshot read) is
    /// spent, so the watch gives up with <see cref="OfflineBudgetExceededException"/> although the server answered all along.
    /// </summary>
    [Fact]
    public async Task WatchAsync_StreamingWhileTheStreamOwesAnHourOfRetryAfter_EndsWhenTheSnapshotDoes()
    {
        var start = _clock.GetUtcNow();
        _server.On(StreamPath, Status(HttpStatusCode.ServiceUnavailable, TimeSpan.FromHours(1)));
        _server.On(SnapshotPath, _ => _clock.GetUtcNow() - start < TimeSpan.FromSeconds(70)
            ? Json(Snapshot("running", null))(null!)
            : Json(Snapshot("completed", 1))(null!));

        List<ExecutionEvent>? items = null;
        Exception? failure = null;
        try
        {
            items = await _clock.DriveAsync(Collect(CreateWatcher(Options()).WatchAsync(Id)), Step);
        }
        catch (OfflineBudgetExceededException ex)
        {
            failure = ex;
        }

        var reads = string.Join(", ", _server.RequestsTo(SnapshotPath).Select(r => (r.At!.Value - start).TotalSeconds));
        Assert.True(failure is null, $"the watch gave up after {_clock.GetUtcNow() - start} ({failure?.Message}); snapshot reads at {reads} s");
        var ended = items![^1].ReceivedAt - start;
        Assert.True(items[^1].IsTerminal);
        Assert.True(ended <= TimeSpan.FromSeconds(80), $"the snapshot turned terminal 70 s in; the watch ended {ended} in (snapshot reads at {reads} s)");
    }

    /// <summary>
    /// §3.5 (keeps trying to return to the stream) and the rule "a wait is owed to the endpoint whose answer earned it":
    /// while polling, a snapshot endpoint that answers 503 with <c>Retry-After: 3600</c> must not stop the stream from
    /// being tried every <see cref="ExecutionWatcherOptions.StreamRetryInterval"/> (30 s). PollDelay takes the snapshot's
    /// owed wait as a floor over the stream's retry time, so the watch sleeps the hour, never tries the stream (which
    /// serves the whole log from 30 s on), and then gives up with the offline budget spent.
    /// </summary>
    [Fact]
    public async Task WatchAsync_PollingWhileTheSnapshotOwesAnHourOfRetryAfter_StillTriesTheStreamWhenDue()
    {
        var start = _clock.GetUtcNow();
        _server.On(StreamPath, Status(HttpStatusCode.NotFound), Sse(Events(1, 8)));
        _server.On(SnapshotPath, Status(HttpStatusCode.ServiceUnavailable, TimeSpan.FromHours(1)));

        List<ExecutionEvent>? items = null;
        Exception? failure = null;
        try
        {
            items = await _clock.DriveAsync(Collect(CreateWatcher(Options()).WatchAsync(Id)), Step);
        }
        catch (Exception ex) when (ex is OfflineBudgetExceededException or ArgumentOutOfRangeException)
        {
            failure = ex;
        }

        var tries = string.Join(", ", _server.RequestsTo(StreamPath).Select(r => (r.At!.Value - start).TotalSeconds));
        Assert.True(failure is null, $"the watch failed after {_clock.GetUtcNow() - start} ({failure?.GetType().Name}: {failure?.Message}); stream requests at {tries} s");
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items!.Select(e => e.Sequence));
        Assert.True(_server.RequestsTo(StreamPath)[1].At!.Value - start <= TimeSpan.FromSeconds(40), $"stream requests at {tries} s; StreamRetryInterval is 30 s");
    }

    /// <summary>
    /// §3.8-like robustness against a broken server: the stream path caps every wait at <c>WaitPolicy.LongestDelay</c>
    /// (24 days: "timers take at most about 49 days"), the snapshot path does not. A snapshot <c>Retry-After</c> of 60 days
    /// while polling becomes a <c>Task.Delay</c> of 60 days, which throws <see cref="ArgumentOutOfRangeException"/> out of
    /// the watch.
    /// </summary>
    [Fact]
    public async Task WatchAsync_SnapshotRetryAfterOfSixtyDaysWhilePolling_DoesNotCrashTheWatch()
    {
        _server.On(StreamPath, Status(HttpStatusCode.NotFound), Sse(Events(1, 8)));
        _server.On(SnapshotPath, Status(HttpStatusCode.ServiceUnavailable, TimeSpan.FromDays(60)));
        var options = Options();
        options.OfflineBudget = Timeout.InfiniteTimeSpan;

        var work = Collect(CreateWatcher(options).WatchAsync(Id));
        var outcome = await Record.ExceptionAsync(() => _clock.DriveAsync(work, Step));

        Assert.False(outcome is ArgumentOutOfRangeException, $"the watch crashed: {outcome}");
    }

    /// <summary>
    /// §3.4 (reports, never hides) and §3.10: a terminal event without an id after skipped ids has the snapshot say where
    /// the log ends — unless the snapshot endpoint still owes a <c>Retry-After</c>: then MissingBeforeIdlessTerminalAsync
    /// returns no gap at all, and ids 3..7, which the stream skipped, are silently lost (the watch ends 1, 2, terminal).
    /// </summary>
    [Fact]
    public async Task WatchAsync_IdlessTerminalAfterSkippedIdsWhileTheSnapshotOwesARetryAfter_StillReportsTheGap()
    {
        const string Completed = "event: workflow.completed\ndata: {\"executionId\":\"wf_exec_test\",\"status\":\"completed\"}\n\n";
        _server.On(StreamPath, Status(HttpStatusCode.ServiceUnavailable), Sse(Events(1, 2) + Completed));
        _server.On(SnapshotPath, Status(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60)), Json(Snapshot("completed", 8)));

        var items = await _clock.DriveAsync(Collect(CreateWatcher(Options()).WatchAsync(Id)), Step);

        Assert.True(items[^1].IsTerminal);
        var gap = Assert.Single(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal((3L, 7L), (gap.MissingFrom!.Value, gap.MissingTo!.Value));
    }

    public void Dispose()
    {
        _server.Dispose();
        _clock.Dispose();
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
}
