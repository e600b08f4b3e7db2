using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>Fan-out of each execution's live events to any number of stream subscribers.</summary>
internal sealed class ExecutionHub(ReferenceServerOptions options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Subscriber>> _subscribers = [];

    public Subscriber Subscribe(string executionId)
    {
        var subscriber = new Subscriber(options.SubscriberBufferSize);
        lock (_lock)
        {
            if (!_subscribers.TryGetValue(executionId, out var list))
            {
                _subscribers[executionId] = list = [];
            }

            list.Add(subscriber);
        }

        return subscriber;
    }

    public void Unsubscribe(string executionId, Subscriber subscriber)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(executionId, out var list) && list.Remove(subscriber) && list.Count == 0)
            {
                _subscribers.Remove(executionId);
            }
        }
    }

    /// <summary>Offers <paramref name="stored"/> to every subscriber of the execution; never waits on any of them.</summary>
    public void Publish(string executionId, StoredEvent stored)
    {
        lock (_lock)
        {
            if (_subscribers.TryGetValue(executionId, out var list))
            {
                foreach (var subscriber in list)
                {
                    subscriber.Offer(stored);
                }
            }
        }
    }
}
