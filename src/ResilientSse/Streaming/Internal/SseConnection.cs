using System.Buffers;
using System.Net.ServerSentEvents;
using Microsoft.Extensions.Logging;
using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// One established connection: reads its events with a bounded <see cref="EventStreamParser"/> over the
/// idle-timed body, and keeps the facts a reconnect needs — the server's <c>retry:</c> value and the last event
/// ID string, which only a block that ended can set. Disposing it aborts the response.
/// </summary>
internal sealed class SseConnection : IAsyncDisposable
{
    private const int EventCountBatch = 64;

    private readonly HttpResponseMessage _response;
    private readonly SseResponseStream _body;
    private readonly IdleTimer _idle;
    private readonly ILogger _logger;
    private readonly bool _traceEvents;
    private readonly int _maxEventSize;
    private readonly ArrayPool<byte>? _pool;
    private EventStreamParser? _parser;
    private int _uncountedEvents;

    /// <summary>Wraps an established response; <paramref name="pool"/> (the shared pool by default) lends the parser its buffers.</summary>
    public SseConnection(HttpResponseMessage response, SseResponseStream body, IdleTimer idle, int maxEventSize, ILogger logger, ArrayPool<byte>? pool = null)
    {
        _pool = pool;
        _maxEventSize = maxEventSize;
        _response = response;
        _body = body;
        _idle = idle;
        _logger = logger;
        _traceEvents = logger.IsEnabled(LogLevel.Trace);
    }

    /// <summary>Gets the reconnection time the server set with <c>retry:</c> on this connection, if it did.</summary>
    public TimeSpan? ReconnectionInterval => _parser?.ReconnectionInterval;

    /// <summary>Gets the last event ID string after what was read, once reading has begun.</summary>
    public string? LastEventId => _parser?.LastEventId;

    /// <summary>Gets whether the connection ended in the middle of an event (bytes of a block that never ended arrived).</summary>
    public bool EndedMidEvent => _parser?.InsideBlock ?? false;

    /// <summary>Gets the request's address.</summary>
    public Uri? RequestUri => _response.RequestMessage?.RequestUri;

    /// <summary>
    /// Starts reading the connection's events. Network failures and the idle timeout surface from the parser as
    /// <see cref="SseTransientException"/>; an oversized block as <see cref="SseLimitExceededException"/>.
    /// Turn each event into an item with a <c>Dispatch</c> method; call <see cref="Finish"/> at the end.
    /// </summary>
    /// <param name="lastEventId">The last event ID in effect before this connection (sent as <c>Last-Event-ID</c>).</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public EventStreamParser StartReading(string lastEventId, CancellationToken cancellationToken) =>
        _parser = new EventStreamParser(_body, lastEventId, _maxEventSize, cancellationToken, _pool);

    /// <summary>Turns the event the parser just dispatched into an <see cref="SseEvent"/>.</summary>
    public SseEvent Dispatch(int connectionNumber)
    {
        var parser = Counted();
        return new SseEvent { EventType = parser.EventType, DataUtf8 = parser.DataUtf8Memory, LastEventId = parser.LastEventId, HasIdField = parser.DispatchedIdField, Connection = connectionNumber };
    }

    /// <summary>
    /// Turns the event the parser just dispatched into an <see cref="SseItem{T}"/> as <see cref="System.Net.ServerSentEvents.SseParser"/>
    /// makes them: the payload from <paramref name="itemParser"/> over the data's UTF-8 bytes, the event type
    /// (<see langword="null"/> when the block set none), the block's own <c>id</c> (<see langword="null"/> when it had none)
    /// and the <c>retry:</c> set since the previous event.
    /// </summary>
    public SseItem<T> Dispatch<T>(SseItemParser<T> itemParser)
    {
        var parser = Counted();
        var eventType = parser.EventType;
        return new SseItem<T>(itemParser(eventType, parser.DataUtf8), ReferenceEquals(eventType, EventStreamParser.DefaultEventType) ? null : eventType)
        {
            EventId = parser.DispatchedIdField ? parser.LastEventId : null,
            ReconnectionInterval = parser.DispatchedReconnectionInterval,
        };
    }

    private EventStreamParser Counted()
    {
        var parser = _parser!;

        // The event counter is fed in batches: a per-event Add costs more than the rest of a dispatch.
        if (++_uncountedEvents == EventCountBatch)
        {
            SseMetrics.Events.Add(EventCountBatch);
            _uncountedEvents = 0;
        }

        if (_traceEvents)
        {
            SseLog.EventReceived(_logger, parser.EventType, parser.LastEventId, parser.DataUtf8.Length);
        }

        return parser;
    }

    /// <summary>Counts the last events.</summary>
    public void Finish()
    {
        SseMetrics.Events.Add(_uncountedEvents);
        _uncountedEvents = 0;
    }

    /// <summary>
    /// Closes the connection at once: a body that has not ended is aborted, not drained (a pending read ends), and
    /// the parser's buffers go back to the pool once no read into them is pending.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _idle.Dispose();
        _parser?.Dispose();
    }
}
