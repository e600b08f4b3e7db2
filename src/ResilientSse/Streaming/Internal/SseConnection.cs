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
    private const int EventCountBatch = 64;

    private readonly bool _traceEvents;
    private SseParser<string>? _parser;
    private bool _idSet;
    private int _uncountedEvents;

    public SseConnection(HttpResponseMessage response, SseResponseStream body, IdleTimer idle, ILogger logger)
    {
        _response = response;
        _body = body;
        _idle = idle;
        _logger = logger;
        _traceEvents = logger.IsEnabled(LogLevel.Trace);
    }

    /// <summary>Gets the reconnection time the server set with <c>retry:</c> on this connection, if it did.</summary>
    public TimeSpan? ReconnectionInterval { get; private set; }

    /// <summary>Gets the last event ID in effect after the last complete block read, once reading has begun.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>Gets the request's address.</summary>
    public Uri? RequestUri => _response.RequestMessage?.RequestUri;

    /// <summary>
    /// Starts reading the connection's events. Network failures and the idle timeout surface from the enumerator
    /// as <see cref="SseTransientException"/>; an oversized block as <see cref="SseLimitExceededException"/>.
    /// Pass each item to <see cref="Dispatch"/>, and call <see cref="Finish"/> when reading ends, however it ends.
    /// </summary>
    /// <param name="lastEventId">The last event ID in effect before this connection (sent as <c>Last-Event-ID</c>).</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public IAsyncEnumerator<SseItem<string>> StartReading(string lastEventId, CancellationToken cancellationToken)
    {
        _parser = SseParser.Create(_body);
        LastEventId = lastEventId;
        return _parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(CancellationToken.None);
    }

    /// <summary>Turns a dispatched item into an event, taking its last event ID.</summary>
    public SseEvent Dispatch(SseItem<string> item, int connectionNumber)
    {
        // SseParser starts each connection with an empty last event ID; until this connection sets one, the ID
        // carried over from earlier connections stays in effect (as in EventSource, which keeps it across reconnects).
        _idSet |= item.EventId is not null || _parser!.LastEventId.Length != 0;
        if (_idSet)
        {
            LastEventId = _parser!.LastEventId;
        }

        // The event counter is fed in batches: a per-event Add costs more than the rest of this method.
        if (++_uncountedEvents == EventCountBatch)
        {
            SseMetrics.Events.Add(EventCountBatch);
            _uncountedEvents = 0;
        }

        if (_traceEvents)
        {
            SseLog.EventReceived(_logger, item.EventType, LastEventId, item.Data.Length);
        }

        // WHATWG: an empty event type buffer (also "event:" with no value) dispatches as "message"; SseParser
        // passes the empty string through.
        var eventType = item.EventType.Length == 0 ? SseParser.EventTypeDefault : item.EventType;
        return new SseEvent { EventType = eventType, Data = item.Data, LastEventId = LastEventId!, Connection = connectionNumber };
    }

    /// <summary>Takes what the end of reading tells: the server's <c>retry:</c>, and an ID set by a final block without data.</summary>
    public void Finish()
    {
        if (_parser is null)
        {
            return;
        }

        SseMetrics.Events.Add(_uncountedEvents);
        _uncountedEvents = 0;

        // A block without data still sets the last event ID when it ends (WHATWG dispatch step 1), but only a
        // block that ended: an id: line of a block cut off by the disconnect must not be taken.
        if (_body.AtBoundary && (_idSet || _parser.LastEventId.Length != 0))
        {
            LastEventId = _parser.LastEventId;
        }

        if (_parser.ReconnectionInterval >= TimeSpan.Zero && _parser.ReconnectionInterval != Timeout.InfiniteTimeSpan)
        {
            ReconnectionInterval = _parser.ReconnectionInterval;
        }
    }

    /// <summary>
    /// Yields the connection's events until the server ends the response (see <see cref="StartReading"/>).
    /// An event cut off by the end of the connection is never yielded, and its <c>id:</c> never taken.
    /// </summary>
    public async IAsyncEnumerable<SseEvent> ReadEventsAsync(string lastEventId, int connectionNumber, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = StartReading(lastEventId, cancellationToken);
        try
        {
            while (await items.MoveNextAsync().ConfigureAwait(false))
            {
                yield return Dispatch(items.Current, connectionNumber);
            }
        }
        finally
        {
            await items.DisposeAsync().ConfigureAwait(false);
            Finish();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _idle.Dispose();
    }
}
