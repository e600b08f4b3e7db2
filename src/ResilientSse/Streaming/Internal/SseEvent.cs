namespace ResilientSse.Streaming.Internal;

/// <summary>One dispatched event, as the WHATWG processing model defines it, with the connection it came on: the watcher's view of an event.</summary>
internal readonly struct SseEvent
{
    /// <summary>Gets the event type: the <c>event:</c> field, or <c>message</c> when there was none.</summary>
    public string EventType { get; init; }

    /// <summary>
    /// Gets the data — the <c>data:</c> lines joined with LF — as the UTF-8 bytes received: the connection's own buffer,
    /// valid until the connection reads on (its next event), so whoever keeps the data copies it first.
    /// </summary>
    public ReadOnlyMemory<byte> DataUtf8 { get; init; }

    /// <summary>
    /// Gets the last event ID in effect when the event was dispatched — the value a reconnect sends as
    /// <c>Last-Event-ID</c> — or an empty string when none was set.
    /// </summary>
    public string LastEventId { get; init; }

    /// <summary>
    /// Gets whether the event's own block had an <c>id</c> field (an empty value included). When it had none,
    /// <see cref="LastEventId"/> is the one in effect from an earlier event, not this event's own.
    /// </summary>
    public bool HasIdField { get; init; }

    /// <summary>Gets the number of the connection, within the subscription, that delivered the event (from 1).</summary>
    public int Connection { get; init; }
}
