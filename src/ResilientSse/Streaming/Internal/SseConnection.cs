using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// One established connection: reads its events with <see cref="SseParser"/> over the bounded, idle-timed body,
/// and keeps the facts a reconnect needs — the server's <c>retry:</c> value and the last event ID, taken only
/// from blocks that were received whole. Disposing it aborts the response.
/// </summary>
internal sealed class SseConnection : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly SseResponseStream _body;
    private readonly IdleTimer _idle;
    private readonly ILogger _logger;

    public SseConnection(HttpResponseMessage response, SseResponseStream body, IdleTimer idle, ILogger logger)
    {
        _response = response;
        _body = body;
        _idle = idle;
        _logger = logger;
    }

    /// <summary>Gets the reconnection time the server set with <c>retry:</c> on this connection, if it did.</summary>
    public TimeSpan? ReconnectionInterval { get; private set; }

    /// <summary>Gets the last event ID in effect after the last complete block read, once reading has begun.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>Gets the request's address.</summary>
    public Uri? RequestUri => _response.RequestMessage?.RequestUri;

    /// <summary>
    /// Yields the connection's events until the server ends the response. Network failures and the idle timeout
    /// throw <see cref="SseTransientException"/>; an oversized block throws <see cref="SseLimitExceededException"/>.
    /// An event cut off by the end of the connection is never yielded, and its <c>id:</c> never taken.
    /// </summary>
    /// <param name="lastEventId">The last event ID in effect before this connection (sent as <c>Last-Event-ID</c>).</param>
    /// <param name="connectionNumber">The connection's number, stamped on each event.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public async IAsyncEnumerable<SseEvent> ReadEventsAsync(string lastEventId, int connectionNumber, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parser = SseParser.Create(_body);
        LastEventId = lastEventId;

        // SseParser starts each connection with an empty last event ID; until this connection sets one, the ID
        // carried over from earlier connections stays in effect (as in EventSource, which keeps it across reconnects).
        var idSet = false;
        try
        {
            await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                idSet |= item.EventId is not null || parser.LastEventId.Length != 0;
                if (idSet)
                {
                    LastEventId = parser.LastEventId;
                }

                SseMetrics.Events.Add(1);
                SseLog.EventReceived(_logger, item.EventType, LastEventId, item.Data.Length);
                yield return new SseEvent
                {
                    EventType = item.EventType,
                    Data = item.Data,
                    LastEventId = LastEventId,
                    Connection = connectionNumber,
                };
            }
        }
        finally
        {
            // A block without data still sets the last event ID when it ends (WHATWG dispatch step 1), but only a
            // block that ended: an id: line of a block cut off by the disconnect must not be taken.
            if (_body.AtBoundary && (idSet || parser.LastEventId.Length != 0))
            {
                LastEventId = parser.LastEventId;
            }

            if (parser.ReconnectionInterval >= TimeSpan.Zero && parser.ReconnectionInterval != Timeout.InfiniteTimeSpan)
            {
                ReconnectionInterval = parser.ReconnectionInterval;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _idle.Dispose();
    }
}
