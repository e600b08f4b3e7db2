using System.Net;
using System.Runtime.CompilerServices;
using Polly;
using ResilientSse.Diagnostics;
using ResilientSse.Streaming;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

internal sealed partial class WatchSession
{
    /// <summary>
    /// One stream attempt: connect (resuming after the last yielded id), yield events until the terminal event or the
    /// end of the connection, and say in <paramref name="report"/> how it ended. Transient trouble is reported, not
    /// thrown; permanent problems (401/403, bad data, the size limit) end the watch.
    /// </summary>
    private async IAsyncEnumerable<ExecutionEvent> AttemptAsync(AttemptReport report, WatchPhase phase, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var activity = LibraryActivity.Start("ResilientSse.Connect", _activity);

        // While the stream brings nothing new, the quiet check reads the snapshot beside it, from the request on. While
        // catching up the end is known: quiet alone, once connected, means the replay is not coming.
        var quiet = new QuietStreamCheck(_options.QuietStreamCheckInterval, _time, phase == WatchPhase.CatchingUp ? null : ReadTerminalSnapshotAsync, cancellationToken);
        try
        {
            var connection = await ConnectAsync(report, quiet, cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                ReportAttemptEnded(report);
                yield break;
            }

            await using (connection.ConfigureAwait(false))
            {
                OnConnected(connection);
                var connectedAt = _time.GetTimestamp();
                quiet.Start();
                var newEvents = 0;
                // The parser itself, not an iterator over it: an event already received costs one synchronous call.
                var events = connection.StartReading(_sequencer.LastEventId ?? string.Empty, quiet.Token);
                try
                {
                    while (true)
                    {
                        SseEvent sse;
                        try
                        {
                            if (!await events.MoveNextAsync().ConfigureAwait(false))
                            {
                                break;
                            }

                            sse = connection.Dispatch(_connections);
                        }
                        catch (SseTransientException ex)
                        {
                            report.Error = ex;
                            break;
                        }
                        catch (OperationCanceledException ex) when (quiet.Abandoned && !cancellationToken.IsCancellationRequested)
                        {
                            report.Error = QuietAbandoned(quiet, ex);
                            break;
                        }

                        var item = _sequencer.Accept(sse, out var gap);
                        if (item is null)
                        {
                            ExecutionMetrics.DuplicatesDropped.Add(1);
                            ExecutionLog.DuplicateDropped(_logger, _executionId, sse.LastEventId);
                            Notify(ExecutionWatchNoticeKind.DuplicateDropped, $"Dropped event '{sse.LastEventId}': it was yielded, or reported missing, already.");
                            continue;
                        }

                        // Progress is an event that moves the log on; an id-less one is yielded, but proves nothing.
                        // One clock reading serves all three: the event's arrival is the item's handing over.
                        var now = _time.GetTimestamp();
                        if (item.Sequence is not null)
                        {
                            newEvents++;
                            _lastContact = _lastNewEvent = now;
                            quiet.OnEvent(now);
                        }

                        // The quiet check pauses while the consumer holds an item: its time is not the server's silence.
                        quiet.Pause(now);
                        if (gap is not null)
                        {
                            ReportGap(gap);
                            yield return gap;
                        }

                        if (item.IsTerminal)
                        {
                            if (item.Sequence is null && await MissingBeforeIdlessTerminalAsync(cancellationToken).ConfigureAwait(false) is { } missing)
                            {
                                ReportGap(missing);
                                yield return missing;
                            }

                            report.Signal = WatchSignal.TerminalEvent;
                            ReportFinished(item, serverTime: null);
                            yield return item;
                            yield break;
                        }

                        yield return item;
                        quiet.Resume(progress: item.Sequence is not null);
                    }
                }
                finally
                {
                    connection.Finish();
                    OnConnectionEnded(connection, report);
                }

                report.Snapshot = quiet.TerminalSnapshot;
                report.Signal = quiet.Abandoned ? WatchSignal.StreamQuiet
                    : newEvents > 0 ? WatchSignal.StreamDelivered
                    : connection.EndedMidEvent ? WatchSignal.StreamCutMidEvent
                    : _time.GetElapsedTime(connectedAt) >= _options.Stream.HealthyConnectionThreshold ? WatchSignal.StreamHealthyEnd
                    : WatchSignal.StreamEmpty;
            }

            ReportAttemptEnded(report);
        }
        finally
        {
            await quiet.DisposeAsync().ConfigureAwait(false);
            LibraryActivity.Stop(activity);
        }
    }

    /// <summary>
    /// Sends the stream request once the owed wait has passed (through the pipeline's <see cref="OwedWaitStrategy"/>),
    /// and sorts a failure into the signal it means. The quiet check starts when the request goes out.
    /// </summary>
    private async Task<SseConnection?> ConnectAsync(AttemptReport report, QuietStreamCheck quiet, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OwedWaitStrategy.LedgerKey, _ledger);
        try
        {
            var connection = await _requests.ExecuteAsync(static async (context, state) =>
            {
                var (self, quiet) = state;
                if (self._attempts > 1)
                {
                    // A reconnection goes when its booked time has come and the lane is not piled up (timers that fired late).
                    await self._governor!.WaitForAdmissionAsync(context.CancellationToken).ConfigureAwait(false);
                }

                using var request = self._endpoints.CreateStreamRequest(self._sequencer.LastEventId);
                if (quiet.AsksTheSnapshot)
                {
                    quiet.Start(); // a slow answer while the snapshot shows the end is abandoned too
                }

                return await self._connector.ConnectAsync(request, quiet.Token).ConfigureAwait(false);
            }, context, (this, quiet)).ConfigureAwait(false);
            if (connection is null)
            {
                report.Signal = WatchSignal.StreamNoContent;
            }

            return connection;
        }
        catch (OperationCanceledException ex) when (quiet.Abandoned && !cancellationToken.IsCancellationRequested)
        {
            (report.Signal, report.Error, report.Snapshot) = (WatchSignal.StreamQuiet, QuietAbandoned(quiet, ex), quiet.TerminalSnapshot);
        }
        catch (SseTransientException ex) when (ex.StatusCode == HttpStatusCode.NotImplemented)
        {
            (report.Signal, report.Error) = (WatchSignal.StreamUnusable, ex);
        }
        catch (SseTransientException ex)
        {
            (report.Signal, report.Error, report.RetryAfter) = (WatchSignal.StreamRefused, ex, ex.RetryAfter);
        }
        catch (SseHttpStatusException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new SseHttpStatusException(ex.StatusCode, ex.RequestUri,
                $"Execution '{_executionId}': the stream endpoint refused access ({(int)ex.StatusCode} {ex.StatusCode}). Check the credentials the HttpClient sends.");
        }
        catch (SseHttpStatusException ex)
        {
            (report.Signal, report.Error) = (WatchSignal.StreamUnusable, ex);
            _streamNotFound |= ex.StatusCode == HttpStatusCode.NotFound;
        }
        catch (SseContentTypeException ex)
        {
            (report.Signal, report.Error) = (WatchSignal.StreamUnusable, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return null;
    }

    /// <summary>
    /// A terminal event without an id does not say where the log ends; the snapshot does: its <c>lastEventId</c> is the
    /// terminal event's id once terminal, and at least the id before it while it lags. The ids before it that the watch
    /// never got are a gap — reported, never hidden. The terminal event is in hand, so a wait the snapshot endpoint
    /// asked for is waited out rather than skipped.
    /// </summary>
    private async Task<ExecutionEvent?> MissingBeforeIdlessTerminalAsync(CancellationToken cancellationToken)
    {
        await DelayAsync(_snapshotLedger.Remaining, cancellationToken).ConfigureAwait(false);
        var result = await RequestSnapshotAsync(cancellationToken).ConfigureAwait(false);
        return result.Snapshot is not { } snapshot ? null
            : _sequencer.MissingBefore(_sequencer.SnapshotLastSequence(snapshot) + (snapshot.IsTerminal ? 0 : 1));
    }

    /// <summary>The quiet check's question, asked beside a quiet stream: the snapshot, if it shows the end.</summary>
    private async Task<ExecutionSnapshot?> ReadTerminalSnapshotAsync(CancellationToken cancellationToken)
    {
        if (_snapshotLedger.Owed)
        {
            return null; // the snapshot endpoint asked for a wait: the check asks again after the next interval
        }

        var result = await RequestSnapshotAsync(cancellationToken).ConfigureAwait(false);
        return result.Snapshot is { IsTerminal: true } snapshot ? snapshot : null;
    }

    private SseTransientException QuietAbandoned(QuietStreamCheck quiet, Exception cause) => new(SseTransientReason.Abandoned, quiet.TerminalSnapshot is null
        ? $"The stream brought no new event for {quiet.Interval} while the watch waited for events the server has; the connection was abandoned."
        : $"The stream brought no new event for {quiet.Interval} while the snapshot shows the execution ended; the connection was abandoned.", cause)
    {
        RequestUri = _endpoints.StreamUri,
    };
}
