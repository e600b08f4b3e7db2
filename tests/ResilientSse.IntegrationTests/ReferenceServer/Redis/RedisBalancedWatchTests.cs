using System.Diagnostics;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using Xunit.Abstractions;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>
/// Three server processes on one Redis behind a round-robin balancer. Streams are dropped at random twice over: each
/// node ends streams after an event (<c>--drop</c>), and the balancer cuts streams after a random number of bytes —
/// inside heads, events and lines. Every reconnect of a watch lands on another node than its previous stream. No event
/// may be lost or repeated, and every watch must end with its terminal event.
/// </summary>
public sealed class RedisBalancedWatchTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int Nodes = 3;
    private const int Watches = 200;
    private const int Stages = 5;
    private const int EventsPerRun = 2 + (2 * Stages);

    /// <summary>Well under a minute on two busy cores: the runs take 1.5 s each, the rest is reconnects and start-up.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    [RedisFact]
    public async Task Watch_ThreeNodeProcessesRoundRobinWithRandomDropsAndCuts_EveryWatchGetsEveryEventOnceAndEnds()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var clock = Stopwatch.StartNew();
        var prefix = $"balanced-{Guid.NewGuid():N}:";
        var nodes = await RedisNodeProcess.StartManyAsync(
            Nodes, redis.Server, prefix, TimeSpan.FromSeconds(10), timeout.Token, n => ["--drop", "0.1", "--seed", $"{n}", "--max-live", $"{Watches}"]);
        try
        {
            var started = clock.Elapsed;
            await using var balancer = RoundRobinBalancer.Start([.. nodes.Select(n => n.BaseAddress)], new StreamCuts(probability: 0.15, maxBytes: 3_000, seed: 13));

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

                return (Id: id, Events: await RedisNodes.WatchAsync(balancer.BaseAddress, id, timeout.Token, client: $"watch-{w}"));
            }).ToList();
            var results = await Task.WhenAll(watches);

            var routed = balancer.Routed.Where(r => r.Client is not null && r.RequestLine.Contains("/stream", StringComparison.Ordinal)).ToList();
            var streamsPerWatch = routed.GroupBy(r => r.Client).ToDictionary(g => g.Key!, g => g.Select(r => r.Node).ToList());
            output.WriteLine($"{Watches} watches on {Nodes} node processes (started in {started.TotalSeconds:F1} s) in {clock.Elapsed.TotalSeconds:F1} s: "
                + $"{routed.Count} stream requests ({routed.Count - Watches} reconnects, {balancer.Cut} cut by the balancer, the rest dropped by the nodes); "
                + $"{streamsPerWatch.Count(s => s.Value.Distinct().Count() > 1)} watches streamed from more than one node; "
                + $"{results.Sum(r => r.Events.Count)} events, {results.Sum(r => r.Events.Count(e => e.Kind == ExecutionEventKind.Gap))} gaps.");

            foreach (var (id, events) in results)
            {
                Assert.DoesNotContain(events, e => e.Kind == ExecutionEventKind.Gap);
                Assert.Equal(Enumerable.Range(1, EventsPerRun).Select(i => (long?)i), events.Select(e => e.Sequence));
                Assert.True(events[^1].IsTerminal, $"The watch of {id} did not end with its terminal event.");
                Assert.Equal("workflow.completed", events[^1].Type);
            }

            // The drops and cuts did happen, and reconnects did move between nodes: what this test is about.
            Assert.True(routed.Count > Watches * 3 / 2, $"Only {routed.Count} stream requests for {Watches} watches: too few drops.");
            Assert.True(balancer.Cut > Watches / 10, $"Only {balancer.Cut} streams were cut by the balancer.");
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
}
