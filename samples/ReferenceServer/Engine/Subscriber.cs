using System.Threading.Channels;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>
/// One stream's view of an execution's live events: a bounded buffer the engine writes to without ever waiting.
/// A subscriber that falls too far behind is cut off (<see cref="Lagged"/>); its client resumes from the log.
/// </summary>
internal sealed class Subscriber
{
    private readonly Channel<StoredEvent> _channel;

    public Subscriber(int capacity)
    {
        _channel = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false });
    }

    public ChannelReader<StoredEvent> Reader => _channel.Reader;

    /// <summary>Gets whether the subscriber was cut off for falling behind.</summary>
    public bool Lagged { get; private set; }

    /// <summary>Offers an event; cuts the subscriber off when its buffer is full. Never waits.</summary>
    public void Offer(StoredEvent stored)
    {
        if (!_channel.Writer.TryWrite(stored) && !Lagged)
        {
            Lagged = true;
            _channel.Writer.TryComplete();
        }
    }
}
