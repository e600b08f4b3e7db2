using System.Diagnostics;
using System.Net.Sockets;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>The way back: the server's response, forwarded as the plan says (delayed, trickled, ended early).</summary>
internal sealed partial class ProxyConnection
{
    private async Task ForwardResponseAsync(ProxyExchange exchange, FaultPlan plan, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _clientGone.Token);
        var token = linked.Token;
        var (bytes, read, headLength) = await HttpHead.ReadAsync(_upstream!, token);
        if (headLength < 0)
        {
            await SendAllAsync(_client, bytes.AsMemory(0, read), token);
            TryEnd(ExchangeEnd.ServerClosed, Stopwatch.GetTimestamp(), Close);
            return;
        }

        var response = HttpHead.ParseResponse(bytes.AsSpan(0, headLength));
        exchange.Status = response.Status;
        var eventStream = response.Status == 200 && string.Equals(response.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        var bodyless = response.Status is < 200 or 204 or 304 || exchange.Request.Method == "HEAD";
        _tracker = new ResponseTracker(headLength, response.Chunked, response.ContentLength, bodyless, eventStream);
        var random = new Random(plan.Seed);
        if (plan.FirstByteDelay > TimeSpan.Zero)
        {
            exchange.Hits |= FaultHits.Delay;
            await Task.Delay(plan.FirstByteDelay, token);
        }

        if (!await ForwardAsync(exchange, plan, random, bytes.AsMemory(0, read), stopping, token))
        {
            return;
        }

        var buffer = new byte[16 * 1024];
        while (!_tracker.MessageComplete)
        {
            var count = await _upstream!.ReceiveAsync(buffer, SocketFlags.None, token);
            if (count == 0)
            {
                break;
            }

            if (!await ForwardAsync(exchange, plan, random, buffer.AsMemory(0, count), stopping, token))
            {
                return;
            }
        }

        TryEnd(_tracker.MessageComplete ? ExchangeEnd.Complete : ExchangeEnd.ServerClosed, Stopwatch.GetTimestamp(), Close);
    }

    /// <summary>
    /// Forwards <paramref name="data"/> up to the plan's stopping point; false once the plan ended the response. A trickle
    /// starts with the body (HttpClient cannot see a partial head, so a trickled head would only be a later first byte,
    /// which <see cref="FaultPlan.FirstByteDelay"/> covers). Its pauses are kept on a schedule, so that a busy machine,
    /// whose timers fire late, does not make it slower than planned: a late pause is made up by skipping the next ones.
    /// </summary>
    private async Task<bool> ForwardAsync(ProxyExchange exchange, FaultPlan plan, Random random, ReadOnlyMemory<byte> data, CancellationToken stopping, CancellationToken token)
    {
        var tracker = _tracker!;
        var offset = 0;
        while (offset < data.Length)
        {
            var trickle = plan.Throttle is not null && !tracker.InHead;
            var piece = trickle ? random.Next(plan.Throttle!.MinBytes, plan.Throttle.MaxBytes + 1)
                : tracker.InHead && plan.Throttle is not null ? (int)(tracker.HeadLength - tracker.WireBytes)
                : data.Length - offset;
            piece = Math.Min(piece, data.Length - offset);
            var take = 0;
            var stop = false;
            for (; take < piece; take++)
            {
                var next = data.Span[offset + take];
                if (plan.Ending != ProxyEnding.None && plan.At is { } at && StopsBefore(at, tracker, next))
                {
                    stop = true;
                    break;
                }

                tracker.Advance(next);
            }

            if (take > 0)
            {
                // Taken before the bytes go out: the client cannot have them any sooner.
                var sending = Stopwatch.GetTimestamp();
                await SendAllAsync(_client, data.Slice(offset, take), token);
                exchange.BytesForwarded += take;
                exchange.LastByteAt = sending;
                (exchange.CompleteEvents, exchange.RetrySeen, exchange.LastIdForwarded) = (tracker.CompleteEvents, tracker.RetrySeen, tracker.LastId);
                if (exchange.EstablishedAt is null && !tracker.InHead)
                {
                    exchange.EstablishedAt = sending;
                }

                if (trickle)
                {
                    exchange.Hits |= FaultHits.Throttle;
                }
            }

            offset += take;
            if (stop)
            {
                await EndByPlanAsync(exchange, plan.Ending, stopping);
                return false;
            }

            if (trickle && !tracker.MessageComplete)
            {
                _trickleStarted ??= Stopwatch.GetTimestamp();
                _trickleSchedule += TimeSpan.FromMilliseconds(random.Next(plan.Throttle!.MinPauseMs, plan.Throttle.MaxPauseMs + 1));
                var due = _trickleSchedule - Stopwatch.GetElapsedTime(_trickleStarted.Value);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, token);
                }
            }
        }

        return true;
    }

    /// <summary>Whether the plan's ending strikes before <paramref name="next"/>, given what was forwarded so far.</summary>
    private static bool StopsBefore(CutPoint at, ResponseTracker tracker, byte next) => at.Place switch
    {
        CutPlace.InHead => tracker.InHead && tracker.WireBytes == Math.Min(at.Offset, tracker.HeadLength - 1),
        CutPlace.AtByte => tracker.WireBytes == at.Offset,
        CutPlace.BetweenEvents => !tracker.InHead && tracker.JustEndedBlock && !tracker.AfterCr && tracker.CompleteEvents == at.Events,
        CutPlace.InLine => tracker.NextIsPayload && tracker.CompleteEvents == at.Events && tracker.LineLength > 0
            && tracker.BytesIntoBlock >= at.Offset && next is not ((byte)'\r' or (byte)'\n'),
        CutPlace.InUtf8 => tracker.NextIsPayload && tracker.CompleteEvents == at.Events
            && (tracker.PendingContinuation > 0 || (tracker.InDataLine && !tracker.MultiByteSeenInBlock && next is (byte)'\r' or (byte)'\n')),
        _ => false,
    };

    private async Task EndByPlanAsync(ProxyExchange exchange, ProxyEnding ending, CancellationToken stopping)
    {
        if (ClientHasClosed())
        {
            // The client left just before the plan's ending (its own timeout): that is its end, not the proxy's fault.
            TryEnd(ExchangeEnd.ClientLeft, Stopwatch.GetTimestamp(), Close);
            return;
        }

        switch (ending)
        {
            case ProxyEnding.Cut:
                exchange.Hits |= FaultHits.Cut;
                TryEnd(ExchangeEnd.Cut, Stopwatch.GetTimestamp(), Close);
                break;
            case ProxyEnding.Reset:
                exchange.Hits |= FaultHits.Reset;
                TryEnd(ExchangeEnd.Reset, Stopwatch.GetTimestamp(), Reset);
                break;
            case ProxyEnding.Stall:
                // Silence with both sockets open, until the client gives up (its idle timeout) or the bound passes.
                exchange.Hits |= FaultHits.Stall;
                try
                {
                    var left = await _clientLeft.Task.WaitAsync(StallBound, stopping);
                    TryEnd(ExchangeEnd.StallAbandoned, left, Close);
                }
                catch (TimeoutException)
                {
                    TryEnd(ExchangeEnd.StallNeverAbandoned, Stopwatch.GetTimestamp(), Reset);
                }

                break;
            default:
                break;
        }
    }
}
