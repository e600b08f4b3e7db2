using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Features;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>
/// Writes one SSE response: proxy-friendly headers, events written as their shared pre-encoded frames (every ready
/// event buffered, then one flush), faults applied to delivery only. While the stream is caught up and idle, live
/// events are written by the publishing thread itself (see EventStreamWriter.Live.cs).
/// </summary>
internal sealed partial class EventStreamWriter(HttpContext context, string executionId, FaultInjector faults, CancellationToken cancellationToken, TimeProvider? timeProvider = null)
{
    // A replay of a long log is sent in pieces of about this size rather than buffered whole.
    private const int FlushThreshold = 16 * 1024;

    public const string ClientGone = "the client closed the connection";

    private static readonly byte[] Heartbeat = ": keep-alive\n\n"u8.ToArray();

    private readonly PipeWriter _body = context.Response.BodyWriter;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private long _unflushed;

    // When the last flush was started: a heartbeat is due once the stream has been silent for a whole interval.
    private long _lastFlush;

    /// <summary>Gets whether the client has gone: a flush found the response completed.</summary>
    public bool Gone { get; private set; }

    /// <summary>Gets how many events this response has written.</summary>
    public int Written { get; private set; }

    /// <summary>Gets the id of the last event written; the resume point when none was.</summary>
    public long LastId { get; set; }

    /// <summary>Gets why <see cref="DeliverAsync"/> ended the response, for the request log; null while it goes on.</summary>
    public string? EndReason { get; private set; }

    public async Task StartAsync(int retryMilliseconds)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";

        // Tells nginx (and proxies that copy it) not to buffer the response.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Buffer(Encoding.UTF8.GetBytes($"retry: {retryMilliseconds.ToString(CultureInfo.InvariantCulture)}\n\n"));
        await FlushAsync();
    }

    /// <summary>
    /// Buffers one event, or misbehaves as the faults say; returns false when the response must end. What is buffered
    /// is sent by <see cref="FlushAsync"/> (the caller flushes once no more events are ready), except that a terminal
    /// event, an event the response ends after, and a long replay are flushed here.
    /// </summary>
    public async ValueTask<bool> DeliverAsync(StoredEvent stored)
    {
        // A drop ends the response where it stands, as a proxy that cuts the stream does. Not an abort: a reset
        // would also discard what was already flushed but not yet sent, and the fault is "after an event".
        if (stored.IsTerminal && faults.DropBeforeTerminal(executionId))
        {
            await FlushAsync();
            EndReason = "fault: cut before the terminal event";
            return false;
        }

        Buffer(stored.Frame.Span);
        Written++;
        LastId = stored.Id;
        if (stored.IsTerminal)
        {
            await FlushAsync();
            EndReason = $"the execution ended ({stored.Type})";
            return true;
        }

        if (faults.DropAfterEvent())
        {
            await FlushAsync();
            EndReason = "fault: cut after an event";
            return false;
        }

        if (faults.StallAfterEvent())
        {
            // Silence with the socket open: no events, no heartbeats, until the client gives up.
            await FlushAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (_unflushed >= FlushThreshold)
        {
            await FlushAsync();
        }

        if (Gone)
        {
            EndReason = ClientGone;
        }

        return !Gone;
    }

    /// <summary>Sends what is buffered.</summary>
    public async ValueTask FlushAsync()
    {
        if (_unflushed == 0 && Gone)
        {
            return;
        }

        BeginFlush();
        var result = await _body.FlushAsync(cancellationToken);
        Gone |= result.IsCompleted || result.IsCanceled;
    }

    // What every send starts with: nothing is left unflushed, and the silence a heartbeat waits for starts again.
    private void BeginFlush()
    {
        _unflushed = 0;
        Volatile.Write(ref _lastFlush, _time.GetTimestamp());
    }

    private void Buffer(ReadOnlySpan<byte> bytes)
    {
        _body.Write(bytes);
        _unflushed += bytes.Length;
    }
}
