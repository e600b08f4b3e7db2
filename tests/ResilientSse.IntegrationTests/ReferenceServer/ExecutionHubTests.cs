using ResilientSse.ReferenceServer;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>The fan-out: the engine never waits for a subscriber, and one that falls behind is cut off, not buffered without bound.</summary>
public sealed class ExecutionHubTests
{
    [Fact]
    public void Publish_ManySubscribers_EveryOneGetsTheSameEventAndTheSameEncodedBytes()
    {
        var hub = new ExecutionHub(new ReferenceServerOptions());
        var subscribers = Enumerable.Range(0, 100).Select(_ => hub.Subscribe("e")).ToList();

        hub.Publish("e", new StoredEvent(3, "node.completed", "{}"));

        var received = subscribers.Select(s => Assert.IsType<StoredEvent>(s.Reader.TryRead(out var stored) ? stored : null)).ToList();
        Assert.All(received, r => Assert.Same(received[0], r));
        Assert.All(received, r => Assert.True(r.Frame.Equals(received[0].Frame)));
    }

    [Fact]
    public void Publish_SubscriberBufferFull_CutsItOffWithoutWaiting()
    {
        var hub = new ExecutionHub(new ReferenceServerOptions { SubscriberBufferSize = 4 });
        var slow = hub.Subscribe("e");
        var fast = hub.Subscribe("e");

        for (var id = 1; id <= 10; id++)
        {
            hub.Publish("e", new StoredEvent(id, "node.started", "{}"));
            while (fast.Reader.TryRead(out _))
            {
            }
        }

        Assert.True(slow.Lagged);
        Assert.False(fast.Lagged);
        var buffered = new List<long>();
        while (slow.Reader.TryRead(out var stored))
        {
            buffered.Add(stored.Id);
        }

        Assert.Equal([1, 2, 3, 4], buffered);
        Assert.True(slow.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void Publish_AfterUnsubscribe_ReachesOnlyRemainingSubscribers()
    {
        var hub = new ExecutionHub(new ReferenceServerOptions());
        var gone = hub.Subscribe("e");
        var kept = hub.Subscribe("e");
        hub.Unsubscribe("e", gone);

        hub.Publish("e", new StoredEvent(1, "workflow.started", "{}"));

        Assert.False(gone.Reader.TryRead(out _));
        Assert.True(kept.Reader.TryRead(out var stored));
        Assert.Equal(1, stored.Id);
    }
}
