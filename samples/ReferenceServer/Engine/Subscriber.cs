using System.Threading.Channels;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>
/// One stream's view of an execution's live events: a bounded buffer the engine writes to without ever waiting.
/// A subscriber that falls too far behind is cut off (<see cref="Lagged"/>); its client resumes from the log.
/// While the stream is caught up and idle, an event goes straight to it (<see cref="Direct"/>) instead.
/// </summary>
internal sealed class Subscriber
{
    private readonly Channel<StoredEvent> _channel;

    public Subscriber(int capacity)
    {
        _channel = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false });
    }

    public ChannelReader<StoredEvent> Reader => _channel.Reader;

    /// <summary>Gets or sets the stream that may take events directly while nothing is queued for it.</summary>
    public IDirectDelivery? Direct { get; set; }

    /// <summary>Gets whether the subscriber was cut off for falling behind.</summary>
    public bool Lagged { get; private set; }

    /// <summary>
    /// Offers an event; cuts the subscriber off when its buffer is full. Never waits. Offers to one subscriber come one
    /// at a time, in order (the hub publishes under its lock).
    /// </summary>
    public void Offer(StoredEvent stored)
    {
        // Only while nothing is queued: an event written directly must never overtake one waiting in the buffer.
        if (Direct is { } direct && _channel.Reader.Count == 0 && direct.TryDeliver(stored, out var wake) && !wake)
        {
            return;
        }

        // Queued, or written and queued as well to wake the stream's loop (which skips the ids it has written).
        if (!_channel.Writer.TryWrite(stored) && !Lagged)
        {
            Lagged = true;
            _channel.Writer.TryComplete();
        }
    }
}
