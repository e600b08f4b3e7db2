namespace ResilientSse.Watcher.Output;

/// <summary>What <c>tail</c> prints of an event at the moment it is dispatched: the data still in the bytes received.</summary>
/// <param name="type">The event type (<c>message</c> when the event set none).</param>
/// <param name="data">The data as UTF-8 bytes, valid only while the event is being dispatched.</param>
/// <param name="lastEventId">The last event ID in effect after the event (<c>""</c> when none).</param>
internal readonly ref struct TailEvent(string type, ReadOnlySpan<byte> data, string lastEventId)
{
    public string Type { get; } = type;

    public ReadOnlySpan<byte> Data { get; } = data;

    public string LastEventId { get; } = lastEventId;
}
