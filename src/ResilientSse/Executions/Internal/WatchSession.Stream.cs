using System.Net;
using System.Runtime.CompilerServices;
using ResilientSse.Diagnostics;
using ResilientSse.Streaming;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

internal sealed partial class WatchSession
{
    private StreamOutcome _outcome;
    private Exception? _outcomeError;
    private bool _lastAttemptProgressed;
    private bool _lastAttemptQuietAtTheEnd;

    /// <summary>
    /// One stream attempt: connect (resuming after the last yielded id), yield events until the terminal event
    /// or the end of the connection, and record how it ended in <see cref="_outcome"/>. Transient trouble is
    /// recorded, not thrown; permanent problems (401/403, bad data, size limit) end the watch.
    /// </summary>
    private async IAsyncEnumerable<ExecutionEvent> StreamOnceAsync(CancellationToken deadline, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _outcome = StreamOutcome.Failed;
        _outcomeError = null;
        _lastAttemptProgressed = false;
        _lastAttemptQuietAtTheEnd = false;
        using var linked = deadline.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline) : null;
        var token = linked?.Token ?? cancellationToken;

        // From the request on, a quiet stream (no new event for the interval) has the snapshot read beside it; if that
        // shows the end, the quiet token abandons the connection, or the wait for it.
        var quiet = new QuietStreamCheck(_options.QuietStreamCheckInterval, _time, SnapshotShowsTheEndAsync, token);
        await using var quietDisposal = quiet.ConfigureAwait(false);
        var connection = await ConnectAsync(quiet, deadline, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            _lastAttemptQuietAtTheEnd = quiet.SnapshotShowedTheEnd;
            if (_outcome is StreamOutcome.Failed or StreamOutcome.NoContent)
            {
                _failuresInARow++;
            }

            ReportStreamEnded();
            yield break;
        }

        await using (connection.ConfigureAwait(false))
        {
            OnConnected();
            var progressed = false;
            var events = connection.ReadEventsAsync(_sequencer.LastEventId ?? string.Empty, _connections, quiet.Token).GetAsyncEnumerator(quiet.Token);
            try
            {
                while (true)
                {
                    SseEvent sse;
                    try
                    {
                        if (!await events.MoveNextAsync().ConfigureAwait(false))
                        {
                            _outcome = StreamOutcome.Dropped;
                            break;
                        }

                        sse = events.Current;
                    }
                    catch (SseTransientException ex)
                    {
                        (_outcome, _outcomeError) = (StreamOutcome.Dropped, ex);
                        break;
                    }
                    catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        (_outcome, _outcomeError) = (StreamOutcome.DeadlinePassed, ex);
                        break;
                    }
                    catch (OperationCanceledException ex) when (quiet.SnapshotShowedTheEnd && !cancellationToken.IsCancellationRequested)
                    {
                        (_outcome, _outcomeError) = (StreamOutcome.Dropped, QuietAbandoned(quiet, ex));
                        break;
                    }

                    _lastContact = _time.GetTimestamp();
                    var item = _sequencer.Accept(sse, out var gap);
                    if (item is null)
                    {
                        ExecutionMetrics.DuplicatesDropped.Add(1);
                        ExecutionLog.DuplicateDropped(_logger, _executionId, sse.LastEventId);
                        Notify(ExecutionWatchNoticeKind.DuplicateDropped, $"Dropped event '{sse.LastEventId}': it was yielded, or reported missing, already.");
                        continue;
                    }

                    // Progress, not a mere connection, is what makes the stream usable again.
                    (progressed, _failuresInARow) = (true, 0);
                    quiet.OnEvent();
                    if (gap is not null)
                    {
                        ReportGap(gap);
                        yield return gap;
                    }

                    if (item.IsTerminal)
                    {
                        _outcome = StreamOutcome.Terminal;
                        ReportFinished(item, serverTime: null);
                    }

                    yield return item;
                    if (_outcome == StreamOutcome.Terminal)
                    {
                        yield break;
                    }
                }
            }
            finally
            {
                await events.DisposeAsync().ConfigureAwait(false);

                if (connection.ReconnectionInterval is { } retry)
                {
                    _backoff.SetServerRetry(retry);
                }

                _backoff.OnDisconnected();
                if (progressed)
                {
                    // New events are proof of a usable stream: the next wait starts again from the base delay.
                    _backoff.Reset();
                }
            }

            // A connection the quiet check abandoned is no cut to resume at once: the snapshot has shown the end.
            _lastAttemptProgressed = progressed && !quiet.SnapshotShowedTheEnd;
            _lastAttemptQuietAtTheEnd = quiet.SnapshotShowedTheEnd;
            if (!progressed)
            {
                // Connected, but nothing new arrived: a stream cut at once counts as a failed attempt.
                _failuresInARow++;
            }
        }

        ReportStreamEnded();
    }

    /// <summary>The quiet-stream check's question: does the snapshot show the execution ended?</summary>
    private async Task<bool> SnapshotShowsTheEndAsync(CancellationToken cancellationToken)
    {
        ExecutionMetrics.SnapshotReads.Add(1);
        var result = await _snapshots.ReadAsync(_executionId, _endpoints, cancellationToken).ConfigureAwait(false);
        return result.Snapshot is { IsTerminal: true };
    }

    private static TimeoutException QuietAbandoned(QuietStreamCheck quiet, Exception cause) => new(
        $"The stream brought no new event for {quiet.Interval} while the snapshot shows the execution ended; the connection was abandoned.", cause);

    private async Task<SseConnection?> ConnectAsync(QuietStreamCheck quiet, CancellationToken deadline, CancellationToken cancellationToken)
    {
        using var request = _endpoints.CreateStreamRequest(_sequencer.LastEventId);
        try
        {
            var connection = await _connector.ConnectAsync(request, quiet.Token).ConfigureAwait(false);
            if (connection is null)
            {
                _outcome = StreamOutcome.NoContent;
            }

            return connection;
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            (_outcome, _outcomeError) = (StreamOutcome.DeadlinePassed, ex);
        }
        catch (OperationCanceledException ex) when (quiet.SnapshotShowedTheEnd && !cancellationToken.IsCancellationRequested)
        {
            (_outcome, _outcomeError) = (StreamOutcome.Failed, QuietAbandoned(quiet, ex));
        }
        catch (SseTransientException ex) when (ex.StatusCode == HttpStatusCode.NotImplemented)
        {
            (_outcome, _outcomeError) = (StreamOutcome.Unusable, ex);
        }
        catch (SseTransientException ex)
        {
            (_outcome, _outcomeError) = (StreamOutcome.Failed, ex);
        }
        catch (SseHttpStatusException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new SseHttpStatusException(ex.StatusCode, ex.RequestUri,
                $"Execution '{_executionId}': the stream endpoint refused access ({(int)ex.StatusCode} {ex.StatusCode}). Check the credentials the HttpClient sends.");
        }
        catch (SseHttpStatusException ex)
        {
            (_outcome, _outcomeError) = (StreamOutcome.Unusable, ex);
        }
        catch (SseContentTypeException ex)
        {
            (_outcome, _outcomeError) = (StreamOutcome.Unusable, ex);
        }

        return null;
    }

    private void OnConnected()
    {
        _connections++;
        _everConnected = true;
        _lastContact = _time.GetTimestamp();
        _backoff.OnConnected();
        ExecutionLog.Connected(_logger, _executionId, _connections, _sequencer.LastEventId);
        Notify(ExecutionWatchNoticeKind.Connected,
            _sequencer.LastEventId is { } id ? $"Stream connected (connection {_connections}), resuming after event {id}." : $"Stream connected (connection {_connections}).",
            attempt: _connections);
    }
}
