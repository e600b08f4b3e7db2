using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Features;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>Writes one SSE response: proxy-friendly headers, each event flushed as written, faults applied to delivery only.</summary>
internal sealed class EventStreamWriter(HttpContext context, string executionId, FaultInjector faults, CancellationToken cancellationToken)
{
    private static readonly byte[] Heartbeat = ": keep-alive\n\n"u8.ToArray();

    public async Task StartAsync(int retryMilliseconds)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";

        // Tells nginx (and proxies that copy it) not to buffer the response.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await WriteAsync(Encoding.UTF8.GetBytes($"retry: {retryMilliseconds.ToString(CultureInfo.InvariantCulture)}\n\n"));
    }

    /// <summary>Writes one event, or misbehaves as the faults say; returns false when the response must end.</summary>
    public async Task<bool> DeliverAsync(StoredEvent stored)
    {
        // A drop ends the response where it stands, as a proxy that cuts the stream does. Not an abort: a reset
        // would also discard what was already flushed but not yet sent, and the fault is "after an event".
        if (stored.IsTerminal && faults.DropBeforeTerminal(executionId))
        {
            return false;
        }

        await WriteAsync(Encoding.UTF8.GetBytes($"id: {stored.Id.ToString(CultureInfo.InvariantCulture)}\nevent: {stored.Type}\ndata: {stored.Data}\n\n"));
        if (stored.IsTerminal)
        {
            return true;
        }

        if (faults.DropAfterEvent())
        {
            return false;
        }

        if (faults.StallAfterEvent())
        {
            // Silence with the socket open: no events, no heartbeats, until the client gives up.
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return true;
    }

    /// <summary>Waits for live events, writing a heartbeat whenever the interval passes in silence; false when no more can come.</summary>
    public async Task<bool> WaitOrHeartbeatAsync(ChannelReader<StoredEvent> reader, TimeSpan interval, TimeProvider timeProvider)
    {
        var waiting = reader.WaitToReadAsync(cancellationToken).AsTask();
        while (true)
        {
            try
            {
                return await waiting.WaitAsync(interval, timeProvider, cancellationToken);
            }
            catch (TimeoutException)
            {
                await WriteAsync(Heartbeat);
            }
        }
    }

    private async Task WriteAsync(byte[] bytes)
    {
        await context.Response.Body.WriteAsync(bytes, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
