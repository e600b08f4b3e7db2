using Microsoft.Extensions.DependencyInjection;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Redis;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>
/// Shared bytes on the Redis store: a node reads an execution's log once however many of its streams follow it, and
/// hands every subscriber the same event instance — so the frame each stream writes is encoded once per node.
/// </summary>
public sealed class RedisRelayFanOutTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const int Subscribers = 50;

    [RedisFact]
    public async Task Relay_EventsWrittenByAnotherNode_ReachEverySubscriberAsOneInstanceWithOneFrame()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var prefix = $"fanout-{Guid.NewGuid():N}:";
        await using var writer = await RedisNodes.StartAsync(redis.Server, prefix);
        await using var reader = await RedisNodes.StartAsync(redis.Server, prefix);
        var hub = reader.Services.GetRequiredService<ExecutionHub>();
        var relay = reader.Services.GetRequiredService<RedisEventRelay>();
        var id = await writer.StartExecutionAsync("very-long", new { stages = 2, delayMs = 300 });

        var subscribers = Enumerable.Range(0, Subscribers).Select(_ => hub.Subscribe(id)).ToList();
        List<StoredEvent>[] received;
        using (await relay.FollowAsync(id))
        {
            received = await Task.WhenAll(subscribers.Select(s => ReadToTheEndAsync(s, timeout.Token)));
        }

        Assert.Equal("workflow.completed", received[0][^1].Type);
        Assert.All(received, events =>
        {
            Assert.Equal(received[0].Count, events.Count);
            Assert.All(events.Zip(received[0]), pair =>
            {
                Assert.Same(pair.Second, pair.First);
                Assert.True(pair.First.Frame.Equals(pair.Second.Frame), "The same frame memory, not an equal copy.");
            });
        });
    }

    private static async Task<List<StoredEvent>> ReadToTheEndAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        await foreach (var stored in subscriber.Reader.ReadAllAsync(cancellationToken))
        {
            events.Add(stored);
            if (stored.IsTerminal)
            {
                break;
            }
        }

        return events;
    }
}
