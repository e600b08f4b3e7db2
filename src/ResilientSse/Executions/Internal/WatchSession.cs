using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Polly;
using ResilientSse.Diagnostics;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

/// <summary>
/// One watch: the I/O loop that carries out what <see cref="WatchMachine"/> decides — connect, read the snapshot,
/// poll, finish — and reports each outcome back to it (CONTRACT §3). It keeps one rule itself: no stream request goes
/// out before the wait the previous answer earned (<see cref="WaitPolicy"/>: <c>Retry-After</c>, <c>retry:</c>,
/// backoff, one fast resume, the governor) — each is booked in the watch's <see cref="WaitLedger"/> and every stream
/// request passes through the <see cref="OwedWaitStrategy"/> of a Polly pipeline — and no snapshot request before a
/// <c>Retry-After</c> the snapshot endpoint sent. A wait is owed to the endpoint whose answer earned it: a refused
/// stream still has the snapshot read at once, and a stream that asked for an hour leaves the polling going.
/// </summary>
internal sealed partial class WatchSession
{
    private readonly string _executionId;
    private readonly ExecutionWatcherOptions _options;
    private readonly ExecutionEndpoints _endpoints;
    private readonly SseConnector _connector;
    private readonly SnapshotReader _snapshots;
    private readonly WaitPolicy _waits;
    private readonly WaitLedger _ledger;
    private readonly WaitLedger _snapshotLedger;
    private readonly WaitLedger _streamRetry;
    private readonly ResiliencePipeline _requests;
    private readonly EventSequencer _sequencer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // When the server was last heard from, and when it last brought a new event.
    private long _lastContact;
    private long _lastNewEvent;
    private ResilientSseException? _lastFailure;
    private ResilientSseException? _lastFailureOfAny;
    private int _connections;
    private int _attempts;
    private bool _everConnected;
    private volatile bool _reached;
    private bool _streamNotFound;
    private Activity? _activity;
    private ReconnectGovernor.Membership? _governor;

    public WatchSession(
        string executionId,
        ExecutionWatcherOptions options,
        ExecutionEndpoints endpoints,
        SseConnector connector,
        SnapshotReader snapshots,
        ResiliencePipeline requests,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _requests = requests;
        _ledger = new WaitLedger(timeProvider);
        _snapshotLedger = new WaitLedger(timeProvider);
        _streamRetry = new WaitLedger(timeProvider);
        _executionId = executionId;
        _options = options;
        _endpoints = endpoints;
        _connector = connector;
        _snapshots = snapshots;
        _time = timeProvider;
        _logger = logger;
        _waits = new WaitPolicy(options.Stream, timeProvider);
        _sequencer = new EventSequencer(executionId, options, timeProvider);
    }

    public async IAsyncEnumerable<ExecutionEvent> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ExecutionLog.WatchStarted(_logger, _executionId, _endpoints.StreamUri, _endpoints.SnapshotUri);
        }

        ExecutionMetrics.Watches.Add(1);
        _activity = ExecutionActivity.StartWatch(_executionId, _endpoints.StreamUri);
        using var membership = ReconnectGovernor.For(_time).Join(_endpoints.StreamUri);
        _governor = membership;
        _lastContact = _lastNewEvent = _time.GetTimestamp();
        try
        {
            var state = WatchState.Initial;
            var signal = WatchSignal.Started;
            ExecutionSnapshot? snapshot = null;
            while (true)
            {
                if (signal != WatchSignal.TerminalEvent && OfflineBudgetSpent(state.Phase))
                {
                    signal = WatchSignal.OfflineBudgetSpent;
                }

                var facts = new WatchFacts(_sequencer.LastSequence, TerminalSequenceOf(snapshot, signal), _ledger.Owed, _ledger.Remaining > _options.PollInterval,
                    !_streamRetry.Owed, _options.MaxStreamFailures);
                var (next, action) = WatchMachine.Decide(state, signal, facts);
                ExecutionLog.Decided(_logger, _executionId, signal, state.Phase, next.Phase, action);
                OnPhaseChanging(state.Phase, next.Phase);
                state = next;
                switch (action)
                {
                    case WatchAction.Finish:
                        yield break;

                    case WatchAction.GiveUp:
                        throw GaveUp();

                    case WatchAction.FinishFromSnapshot:
                        foreach (var item in FinishFromSnapshot(snapshot!))
                        {
                            yield return item;
                        }

                        yield break;

                    case WatchAction.ReadSnapshot:
                        (signal, snapshot) = await ReadSnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false);
                        break;

                    case WatchAction.PollLater:
                        await DelayAsync(PollDelay(), cancellationToken).ConfigureAwait(false);
                        (signal, snapshot) = await ReadSnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false);
                        break;

                    default:
                        AnnounceAttempt(state.Failures);
                        var report = new AttemptReport();
                        await foreach (var item in AttemptAsync(report, state.Phase, cancellationToken).ConfigureAwait(false))
                        {
                            yield return item;
                        }

                        (signal, snapshot) = (report.Signal, report.Snapshot ?? snapshot);
                        _reached |= report.ServerAnswered;
                        EarnWait(report, state.Phase);
                        break;
                }
            }
        }
        finally
        {
            LibraryActivity.Stop(_activity);
        }
    }

    /// <summary>Ends the watch from a terminal snapshot: the gap before its last event, if any, and the terminal event built from it.</summary>
    private IEnumerable<ExecutionEvent> FinishFromSnapshot(ExecutionSnapshot snapshot)
    {
        foreach (var item in _sequencer.FinishFromSnapshot(snapshot))
        {
            if (item.Kind == ExecutionEventKind.Gap)
            {
                ReportGap(item);
            }
            else
            {
                ReportFinished(item, snapshot.CompletedAt);
            }

            yield return item;
        }
    }

    /// <summary>Reads the snapshot — unless its endpoint asked for a wait that has not passed; a snapshot that answers is contact.</summary>
    private async Task<(WatchSignal, ExecutionSnapshot?)> ReadSnapshotAsync(ExecutionSnapshot? previous, CancellationToken cancellationToken)
    {
        if (_snapshotLedger.Owed)
        {
            return (WatchSignal.SnapshotUnavailable, previous);
        }

        var result = await RequestSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (result.Snapshot is { } snapshot)
        {
            _lastContact = _time.GetTimestamp();
            ExecutionLog.SnapshotRead(_logger, _executionId, snapshot.StatusName, snapshot.LastEventId);
            Notify(ExecutionWatchNoticeKind.SnapshotChecked, $"Snapshot: {snapshot.StatusName}, last event {snapshot.LastEventId ?? "none"}.");
            return (snapshot.IsTerminal ? WatchSignal.SnapshotTerminal : WatchSignal.SnapshotRunning, snapshot);
        }

        // An unknown execution is a 404 on both endpoints (CONTRACT §3.7). Once the stream has served the execution,
        // or while it only refused (503, 204), a 404 of the snapshot alone is a server hiccup, retried as one.
        if (result.NotFound && !_everConnected && _streamNotFound)
        {
            throw new ExecutionNotFoundException(_executionId, _endpoints.SnapshotUri);
        }

        _lastFailureOfAny = result.Failure ?? _lastFailureOfAny;
        ExecutionLog.SnapshotUnavailable(_logger, _executionId, result.Failure);
        return (WatchSignal.SnapshotUnavailable, previous);
    }

    /// <summary>
    /// One snapshot request, whoever asks (the loop, the quiet check, an id-less terminal event): counted, and its
    /// <c>Retry-After</c> booked, so that no snapshot request goes out before it.
    /// </summary>
    private async Task<SnapshotResult> RequestSnapshotAsync(CancellationToken cancellationToken)
    {
        ExecutionMetrics.SnapshotReads.Add(1);
        var result = await _snapshots.ReadAsync(_executionId, _endpoints, cancellationToken).ConfigureAwait(false);
        _reached |= result.Answered;
        if (result.RetryAfter is { } retryAfter)
        {
            _snapshotLedger.Owe(retryAfter);
        }

        return result;
    }

    /// <summary>The terminal snapshot's reading of the machine: its last event's sequence number, when the signal brought one.</summary>
    private long TerminalSequenceOf(ExecutionSnapshot? snapshot, WatchSignal signal) =>
        signal is WatchSignal.SnapshotTerminal or WatchSignal.StreamQuiet && snapshot is { IsTerminal: true } ? _sequencer.SnapshotLastSequence(snapshot) : 0;

    /// <summary>Books the wait the attempt's answer earned: no stream request goes out before it has passed.</summary>
    private void EarnWait(AttemptReport report, WatchPhase phase)
    {
        if (report.Signal == WatchSignal.TerminalEvent)
        {
            return;
        }

        _lastFailure = report.Error ?? _lastFailure;
        _lastFailureOfAny = report.Error ?? _lastFailureOfAny;
        _ledger.Owe(report.Signal == WatchSignal.StreamDelivered ? _waits.AfterDeliveringCut() : _waits.AfterFailure(report.RetryAfter));
        if (phase == WatchPhase.Polling)
        {
            _streamRetry.Owe(_options.StreamRetryInterval);
        }
    }

    /// <summary>
    /// A reconnection is coming: book its slot with the governor (only now, so that waits which end in a snapshot or a
    /// poll take no slot from other watches) and tell how long it waits first (the wait itself is the pipeline's).
    /// </summary>
    private void AnnounceAttempt(int failures)
    {
        if (_attempts++ > 0)
        {
            _ledger.OweAtLeast(_governor!.Reserve(_ledger.Remaining));
            NotifyReconnecting(_ledger.Remaining, failures);
        }
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, _time, cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// The wait before the next poll: the interval, or longer when the snapshot endpoint asked for a wait — but never past
    /// the moment the stream may be tried again (due, and no wait owed to it). Each endpoint's wait is its own: a
    /// snapshot that asked for an hour does not keep the stream from being tried, nor the other way round.
    /// </summary>
    private TimeSpan PollDelay()
    {
        var untilStreamRetry = _streamRetry.Remaining;
        var streamOwed = _ledger.Remaining;
        var untilStream = untilStreamRetry > streamOwed ? untilStreamRetry : streamOwed;
        var snapshotOwed = _snapshotLedger.Remaining;
        var poll = snapshotOwed > _options.PollInterval ? snapshotOwed : _options.PollInterval;
        return Min(poll, untilStream);
    }

    private void OnPhaseChanging(WatchPhase from, WatchPhase to)
    {
        if (from == to)
        {
            return;
        }

        var now = _time.GetTimestamp();
        switch (to)
        {
            case WatchPhase.Polling:
                _streamRetry.Owe(_options.StreamRetryInterval);
                ExecutionMetrics.PollingFallbacks.Add(1);
                ExecutionLog.PollingStarted(_logger, _executionId, _options.PollInterval, _lastFailure);
                Notify(ExecutionWatchNoticeKind.PollingStarted,
                    $"The stream cannot serve this execution ({Describe(_lastFailure)}); polling the snapshot every {_options.PollInterval.TotalSeconds:0.###}s.",
                    cause: _lastFailure);
                break;
            case WatchPhase.CatchingUp:
                // Catching up is bounded by the offline budget counted from here, or from the last new event.
                _lastNewEvent = now;
                break;
            case WatchPhase.Streaming when from == WatchPhase.Polling:
                Notify(ExecutionWatchNoticeKind.StreamRestored, "The stream is available again; leaving polling mode.");
                break;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
