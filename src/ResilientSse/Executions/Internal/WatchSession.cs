using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using ResilientSse.Diagnostics;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

/// <summary>
/// One watch: the state machine that merges the stream, <c>Last-Event-ID</c> resumption and the snapshot
/// into one ordered sequence ending with the terminal event (CONTRACT §3).
/// </summary>
/// <remarks>
/// The loop, in words: stream; when a connection that delivered new events is cut, resume at once; whenever the
/// stream ends, fails or is refused without bringing anything new, read the snapshot at once. A terminal snapshot
/// ends the watch (after a bounded catch-up over the stream for the events still missing); otherwise wait on the
/// backoff and go round again. A stream that cannot serve the execution at all sends the watch to polling the
/// snapshot, with a return to the stream now and then.
/// </remarks>
internal sealed partial class WatchSession
{
    private readonly string _executionId;
    private readonly ExecutionWatcherOptions _options;
    private readonly ExecutionEndpoints _endpoints;
    private readonly SseConnector _connector;
    private readonly SnapshotReader _snapshots;
    private readonly ReconnectBackoff _backoff;
    private readonly EventSequencer _sequencer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private long _lastContact;
    private bool _everConnected;
    private int _connections;
    private int _failuresInARow;
    private bool _polling;
    private System.Diagnostics.Activity? _activity;

    public WatchSession(
        string executionId,
        ExecutionWatcherOptions options,
        ExecutionEndpoints endpoints,
        SseConnector connector,
        SnapshotReader snapshots,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _executionId = executionId;
        _options = options;
        _endpoints = endpoints;
        _connector = connector;
        _snapshots = snapshots;
        _time = timeProvider;
        _logger = logger;
        _backoff = new ReconnectBackoff(options.Stream, timeProvider);
        _sequencer = new EventSequencer(executionId, options, timeProvider);
    }

    public async IAsyncEnumerable<ExecutionEvent> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ExecutionLog.WatchStarted(_logger, _executionId, _endpoints.StreamUri, _endpoints.SnapshotUri);
        ExecutionMetrics.Watches.Add(1);
        using var activity = ExecutionActivity.StartWatch(_executionId, _endpoints.StreamUri);
        _activity = activity;
        _lastContact = _time.GetTimestamp();
        var nextStreamAttempt = _lastContact;

        while (true)
        {
            if (!_polling || _time.GetTimestamp() >= nextStreamAttempt)
            {
                await foreach (var item in StreamOnceAsync(CancellationToken.None, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }

                if (_outcome == StreamOutcome.Terminal)
                {
                    yield break;
                }

                UpdateMode();
                if (_polling)
                {
                    nextStreamAttempt = _time.GetTimestamp() + ToTicks(_options.StreamRetryInterval);
                }
                else if (_lastAttemptProgressed)
                {
                    // A connection that was delivering was cut (a proxy, a restart): resume at once — if the server
                    // has the rest, the terminal event comes in one round trip. Only a resume that brings nothing new
                    // sends the watch to the snapshot and the backoff, so this cannot spin.
                    NotifyReconnecting(TimeSpan.Zero);
                    continue;
                }
            }

            // The moment the stream cannot deliver, the snapshot tells whether the execution already ended.
            if (await ReadSnapshotAsync(cancellationToken).ConfigureAwait(false) is { IsTerminal: true } snapshot)
            {
                await foreach (var item in FinishAsync(snapshot, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }

                yield break;
            }

            var delay = _polling
                ? Min(_options.PollInterval, TimeUntil(nextStreamAttempt))
                : _backoff.NextDelay(RetryAfterOf(_outcomeError));
            delay = ClampToOfflineBudget(delay);
            NotifyReconnecting(delay);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the watch from a terminal snapshot. Events the snapshot shows but the watcher has not yielded are
    /// fetched over the stream for at most <see cref="ExecutionWatcherOptions.CatchUpTimeout"/>, and what is
    /// still missing then is reported as a gap. The stream's own terminal event is preferred, but only the
    /// events before it are worth waiting for: the snapshot stands for the terminal event, so when nothing else
    /// is missing the stream gets one immediate attempt and no backoff.
    /// </summary>
    private async IAsyncEnumerable<ExecutionEvent> FinishAsync(ExecutionSnapshot snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The snapshot's last event is the terminal one; the catch-up is for the events before it. When only the
        // terminal event is missing and the stream just sat quiet while the snapshot showed the end, that stream has
        // shown it will not deliver it: end from the snapshot now.
        var target = _sequencer.SnapshotLastSequence(snapshot) - 1;
        var eventsMissing = target > _sequencer.LastSequence;
        var onlyTheTerminalMissing = target == _sequencer.LastSequence;
        if (eventsMissing || (onlyTheTerminalMissing && !_lastAttemptQuietAtTheEnd))
        {
            using var deadline = new CancellationTokenSource(_options.CatchUpTimeout, _time);
            while (!deadline.IsCancellationRequested)
            {
                await foreach (var item in StreamOnceAsync(deadline.Token, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }

                if (_outcome == StreamOutcome.Terminal)
                {
                    yield break;
                }

                if (_outcome is StreamOutcome.Unusable or StreamOutcome.NoContent or StreamOutcome.DeadlinePassed)
                {
                    break;
                }

                if (_lastAttemptProgressed)
                {
                    // The server has the missing events and the stream is delivering them: resume at once, for the
                    // stream's own terminal event too (a resume that brings nothing new ends the catch-up).
                    NotifyReconnecting(TimeSpan.Zero);
                    continue;
                }

                if (_sequencer.LastSequence >= target)
                {
                    break;
                }

                var delay = _backoff.NextDelay(RetryAfterOf(_outcomeError));
                NotifyReconnecting(delay);
                if (!await DelayUnlessDeadlineAsync(delay, deadline.Token, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }

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

    private void UpdateMode()
    {
        if (_outcome == StreamOutcome.Unusable || (!_polling && _failuresInARow >= _options.MaxStreamFailures))
        {
            if (!_polling)
            {
                _polling = true;
                ExecutionMetrics.PollingFallbacks.Add(1);
                ExecutionLog.PollingStarted(_logger, _executionId, _options.PollInterval, _outcomeError);
                Notify(ExecutionWatchNoticeKind.PollingStarted,
                    $"The stream cannot serve this execution ({Describe(_outcomeError)}); polling the snapshot every {_options.PollInterval.TotalSeconds:0.###}s.",
                    cause: _outcomeError);
            }
        }
        else if (_polling && _outcome == StreamOutcome.Dropped)
        {
            // A connection opened while polling: the stream is back.
            _polling = false;
            Notify(ExecutionWatchNoticeKind.StreamRestored, "The stream is available again; leaving polling mode.");
        }
    }
}
