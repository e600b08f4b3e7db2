using System.IO.Pipelines;
using System.Threading.Channels;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>
/// The live part of a stream. While the stream's loop waits with nothing queued (it is "parked"), the publishing thread
/// writes each new event itself and starts its send: with 1,000 subscribers that is 1,000 copies and sends, without
/// 1,000 wake-ups of stream loops. Anything unusual — an event a fault may act on, a send that cannot complete at
/// once, the terminal event, a client that has gone — hands the stream back to its loop. The loop and the publisher
/// never write at the same time: the one that writes holds the stream (the gate decides which), and the loop takes it
/// back, waiting for a send the publisher started, before it writes again or ends the response.
/// </summary>
internal sealed partial class EventStreamWriter : IDirectDelivery
{
    private readonly Lock _gate = new();

    // True while the loop waits and the publisher may write; changed under the gate only.
    private bool _parked;

    // A send the publisher started that did not complete at once; the loop awaits it when it takes the stream back.
    private Task<FlushResult>? _pendingFlush;

    /// <inheritdoc/>
    public bool TryDeliver(StoredEvent stored, out bool wake)
    {
        wake = false;
        lock (_gate)
        {
            if (!_parked || stored.Id <= LastId || faults.MayAffect(stored))
            {
                return false;
            }

            Buffer(stored.Frame.Span);
            Written++;
            LastId = stored.Id;
            StartFlush();
            if (stored.IsTerminal)
            {
                EndReason = $"the execution ended ({stored.Type})";
            }

            wake = stored.IsTerminal || Gone || _pendingFlush is not null;
            _parked = !wake;
            return true;
        }
    }

    /// <summary>
    /// Waits for live events, writing a heartbeat whenever the stream has been silent for <paramref name="interval"/>;
    /// the publisher may write events meanwhile. Returns false when no more can come (the subscriber fell behind or
    /// the client has gone). On return the stream is the caller's again, with any send the publisher started finished.
    /// </summary>
    public async ValueTask<bool> WaitOrHeartbeatAsync(ChannelReader<StoredEvent> reader, TimeSpan interval)
    {
        Task<bool>? waiting = null;
        while (true)
        {
            var due = interval - _time.GetElapsedTime(Volatile.Read(ref _lastFlush));
            if (due > TimeSpan.Zero)
            {
                Park();
                try
                {
                    if (waiting is null)
                    {
                        var ready = reader.WaitToReadAsync(cancellationToken);
                        if (ready.IsCompleted)
                        {
                            return await ready;
                        }

                        waiting = ready.AsTask();
                    }

                    return await waiting.WaitAsync(due, _time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // The interval passed; the publisher may have written meanwhile, which the next round sees.
                }
                finally
                {
                    await TakeBackAsync();
                }

                if (Gone)
                {
                    return false;
                }

                continue;
            }

            Buffer(Heartbeat);
            await FlushAsync();
            if (Gone)
            {
                return false;
            }
        }
    }

    private void Park()
    {
        lock (_gate)
        {
            _parked = !Gone && _pendingFlush is null;
        }
    }

    private async ValueTask TakeBackAsync()
    {
        Task<FlushResult>? pending;
        lock (_gate)
        {
            _parked = false;
            pending = _pendingFlush;
            _pendingFlush = null;
        }

        if (pending is not null)
        {
            var result = await pending;
            Gone |= result.IsCompleted || result.IsCanceled;
        }
    }

    // Under the gate: sends what was buffered without waiting; a send that cannot complete at once is left for the loop.
    private void StartFlush()
    {
        BeginFlush();
        ValueTask<FlushResult> flush;
        try
        {
            flush = _body.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The response is over (aborted or completed): the client has gone, and the loop ends the stream.
            Gone = true;
            return;
        }

        if (flush.IsCompletedSuccessfully)
        {
            var result = flush.Result;
            Gone |= result.IsCompleted || result.IsCanceled;
        }
        else
        {
            _pendingFlush = flush.AsTask();
        }
    }
}
