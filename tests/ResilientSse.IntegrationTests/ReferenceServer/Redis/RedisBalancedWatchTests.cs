using System.Diagnostics;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;
using Xunit.Abstractions;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>
/// Three nodes on one Redis behind a round-robin balancer; every node drops streams at random; every reconnect of a
/// watch lands on another node than its previous request. No event may be lost or repeated, and every watch must end.
/// </summary>
public sealed class RedisBalancedWatchTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int Nodes = 3;
    private const int Watches = 200;
    private const int Stages = 5;
    private const int EventsPerRun = 2 + (2 * Stages);

    [RedisFact]
    public async Task Watch_ThreeNodesRoundRobinWithRandomDrops_EveryWatchGetsEveryEventOnceAndEnds()
    {
        var prefix = $"balanced-{Guid.NewGuid():N}:";
        var nodes = new List<ReferenceServerHost>();
        try
        {
            for (var i = 0; i < Nodes; i++)
            {
                var seed = i + 1;
                nodes.Add(await ReferenceServers.StartAsync(o =>
                {
                    o.Store = ReferenceStoreKind.Redis;
                    o.Redis = redis.Server.Address;
                    o.RedisKeyPrefix = prefix;
                    o.MaxLiveExecutions = Watches;
                    o.Faults.DropProbability = 0.15;
                    o.Faults.Seed = seed;
                }));
            }

            await using var balancer = RoundRobinBalancer.Start([.. nodes.Select(n => n.BaseAddress)]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
            var clock = Stopwatch.StartNew();

            // Started a few at a time, each watched at once: the watches overlap the runs, as they would in use.
            using var starting = new SemaphoreSlim(4);
            var watches = Enumerable.Range(0, Watches).Select(async w =>
            {
                string id;
                await starting.WaitAsync(timeout.Token);
                try
                {
                    id = await nodes[w % Nodes].StartExecutionAsync("very-long", new { stages = Stages, delayMs = 300 });
                }
                finally
                {
                    starting.Release();
                }

                return (Id: id, Events: await WatchAsync(balancer.BaseAddress, $"watch-{w}", id, timeout.Token));
            }).ToList();
            var results = await Task.WhenAll(watches);
            var elapsed = clock.Elapsed;

            var routed = balancer.Routed.Where(r => r.Client is not null && r.RequestLine.Contains("/stream", StringComparison.Ordinal)).ToList();
            var streamsPerWatch = routed.GroupBy(r => r.Client).ToDictionary(g => g.Key!, g => g.Select(r => r.Node).ToList());
            output.WriteLine($"{Watches} watches on {Nodes} nodes in {elapsed.TotalSeconds:F1} s: {routed.Count} stream requests "
                + $"({routed.Count - Watches} reconnects); {streamsPerWatch.Count(s => s.Value.Distinct().Count() > 1)} watches streamed from more than one node.");

            foreach (var (id, events) in results)
            {
                output.WriteLine(events[^1].IsTerminal ? string.Empty : $"{id}: {string.Join(", ", events.Select(e => $"{e.Sequence}:{e.Type}:{e.Source}"))}");
                Assert.DoesNotContain(events, e => e.Kind == ExecutionEventKind.Gap);
                Assert.Equal(Enumerable.Range(1, EventsPerRun).Select(i => (long?)i), events.Select(e => e.Sequence));
                Assert.True(events[^1].IsTerminal, $"The watch of {id} did not end with its terminal event.");
                Assert.Equal("workflow.completed", events[^1].Type);
            }

            // The drops did happen, and reconnects did move between nodes: what this test is about.
            Assert.True(routed.Count > Watches * 3 / 2, $"Only {routed.Count} stream requests for {Watches} watches: too few drops.");
            Assert.True(streamsPerWatch.Count(s => s.Value.Distinct().Count() == Nodes) > Watches / 4, "Too few watches streamed from all three nodes.");
            Assert.All(streamsPerWatch.Values, nodesOfOneWatch => Assert.All(nodesOfOneWatch.Zip(nodesOfOneWatch.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second)));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<List<ExecutionEvent>> WatchAsync(Uri balancer, string client, string id, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new NameTheClient(client) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = balancer };
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = balancer,
            PollInterval = TimeSpan.FromMilliseconds(200),
            OfflineBudget = TimeSpan.FromSeconds(120),
            Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(500), IdleTimeout = TimeSpan.FromSeconds(60) },
        });
        var events = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync(id, cancellationToken))
        {
            events.Add(item);
        }

        return events;
    }

    /// <summary>Names the watch to the balancer, one request per connection, so that each request is routed anew.</summary>
    private sealed class NameTheClient(string client) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add(RoundRobinBalancer.ClientHeader, client);
            request.Headers.ConnectionClose = true;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
