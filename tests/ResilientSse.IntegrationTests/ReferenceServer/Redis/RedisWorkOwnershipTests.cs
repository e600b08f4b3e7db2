using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using Xunit.Abstractions;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>One node runs an execution, holding a lease; when it is gone, another ends the execution ("node lost").</summary>
public sealed class RedisWorkOwnershipTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    /// <summary>What a busy two-core machine adds: a survivor's sweep and a watch's retry that run late.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);
    private readonly string _prefix = $"own-{Guid.NewGuid():N}:";

    /// <summary>
    /// Three node processes behind a balancer. The lost run is watched through every node, the owner's included (those
    /// watches are cut by the kill and reconnect elsewhere); the runs of the two other nodes are watched through all three.
    /// A lease lasts <see cref="Lease"/> from its last renewal, one third of it before the kill at most, and a survivor
    /// sweeps every third of it: the end is written within the lease and one sweep of the kill, and a watch learns of it
    /// live, or with one retry.
    /// </summary>
    [RedisFact]
    public async Task OwnerKilled_ItsWatchersOnEveryNodeEndWithNodeLostWithinTheLeaseAndOneSweep_AndOtherNodesRunsComplete()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var nodes = await RedisNodeProcess.StartManyAsync(3, redis.Server, _prefix, Lease, timeout.Token);
        try
        {
            await using var balancer = RoundRobinBalancer.Start([.. nodes.Select(n => n.BaseAddress)]);
            var lost = await nodes[0].StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });
            string[] others = [await nodes[1].StartExecutionAsync("very-long", new { stages = 6, delayMs = 600 }), await nodes[2].StartExecutionAsync("very-long", new { stages = 6, delayMs = 600 })];

            // First streams go round-robin: the lost run's three watches, started first, stream from nodes 0, 1 and 2.
            var watchesOfLost = await WatchEachAsync(balancer, [lost, lost, lost], "lost", timeout.Token);
            var watchesOfOthers = await WatchEachAsync(balancer, [.. others, .. others, .. others], "other", timeout.Token);
            Assert.Equal([0, 1, 2], balancer.Routed.Where(r => r.Client?.StartsWith("lost", StringComparison.Ordinal) == true).GroupBy(r => r.Client).Select(g => g.First().Node).Order());

            await nodes[0].KillAsync(timeout.Token); // SIGKILL: the leases are neither renewed nor given up
            var killedAt = Stopwatch.StartNew();
            var ended = await Task.WhenAll(watchesOfLost.Select(async watch => (Events: await watch, After: killedAt.Elapsed)));
            var otherEvents = await Task.WhenAll(watchesOfOthers);
            using var http = new HttpClient { BaseAddress = nodes[1].BaseAddress };
            var log = await RedisNodes.ReadStreamAsync(http, lost, lastEventId: null, stopAfter: null, timeout.Token);

            output.WriteLine($"Owner killed; its run's {ended.Length} watches ended after {string.Join(", ", ended.Select(e => $"{e.After.TotalSeconds:F2} s"))} "
                + $"(lease {Lease.TotalSeconds} s); {otherEvents.Length} watches of the other nodes' runs got {otherEvents.Sum(e => e.Count)} events, "
                + $"{otherEvents.Sum(e => e.Count(x => x.Kind == ExecutionEventKind.Gap))} gaps.");
            foreach (var (events, after) in ended)
            {
                Assert.Equal([1L, 2L, 3L], events.Select(e => e.Sequence ?? 0));
                Assert.Equal("workflow.failed", events[^1].Type);
                Assert.Equal(ExecutionStatus.Failed, events[^1].Status);
                Assert.Contains("node lost", events[^1].Data.GetProperty("error").GetString(), StringComparison.Ordinal);
                Assert.InRange(after, TimeSpan.Zero, Lease + (Lease / 3) + Slack);
            }

            Assert.Equal(["workflow.started", "node.started", "workflow.failed"], log.Select(e => e.Type)); // one survivor ended it
            Assert.All(otherEvents, events =>
            {
                Assert.Equal(Enumerable.Range(1, 14).Select(i => (long?)i), events.Select(e => e.Sequence));
                Assert.Equal("workflow.completed", events[^1].Type);
            });
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// "One owner" on a shared store: a node that hangs past its lease (SIGSTOP) has its run ended as lost by another;
    /// when it comes back (SIGCONT) it must not go on running it: it writes nothing more to it, and gives its place back.
    /// </summary>
    [RedisFact]
    public async Task OwnerPausedPastItsLease_ItsRunIsEndedAsLost_AndOnResumingItWritesNothingMoreAndFreesItsPlace()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var survivor = await RedisNodes.StartAsync(redis.Server, _prefix, Lease);
        await using var owner = await RedisNodeProcess.StartAsync(redis.Server, _prefix, Lease, timeout.Token, "--max-live", "1");
        var id = await owner.StartExecutionAsync("very-long", new { stages = 4, delayMs = 1_500 });
        var watch = RedisNodes.WatchAsync(survivor.BaseAddress, id, timeout.Token);

        await owner.SignalAsync("STOP", timeout.Token);
        var events = await watch;
        await owner.SignalAsync("CONT", timeout.Token);
        var next = await StartOnceAcceptedAsync(owner.BaseAddress, timeout.Token);
        using var http = new HttpClient { BaseAddress = survivor.BaseAddress };
        var log = await RedisNodes.ReadStreamAsync(http, id, lastEventId: null, stopAfter: null, timeout.Token);

        Assert.Equal("workflow.failed", events[^1].Type);
        Assert.Contains("node lost", events[^1].Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(events.Select(e => e.Sequence ?? 0), log.Select(e => e.Id));
        Assert.NotEqual(id, next);
    }

    [RedisFact]
    public async Task OwnerStopped_GivesUpItsLeases_AnotherNodeEndsItsRunsAtOnce()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var survivor = await RedisNodes.StartAsync(redis.Server, _prefix, TimeSpan.FromSeconds(30));
        var owner = await RedisNodes.StartAsync(redis.Server, _prefix, TimeSpan.FromSeconds(30));
        var id = await owner.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });
        var watch = RedisNodes.WatchAsync(survivor.BaseAddress, id, timeout.Token);

        await owner.DisposeAsync();
        var events = await watch;

        // Well within the 30 s lease: given up on stop, the run is ended at the survivor's next sweep (every 10 s).
        Assert.Equal("workflow.failed", events[^1].Type);
        Assert.Equal(ExecutionStatus.Failed, events[^1].Status);
    }

    [RedisFact]
    public async Task NodeStartingLater_EndsExecutionsWhoseLeaseExpired_AndLeavesHeldOnesRunning()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // A long lease for the node that stays: however slow a loaded machine renews it, its run is never taken for lost.
        await using var holder = await RedisNodes.StartAsync(redis.Server, _prefix, TimeSpan.FromSeconds(30));
        var held = await holder.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });
        string orphan;
        await using (var owner = await RedisNodeProcess.StartAsync(redis.Server, _prefix, Lease, timeout.Token))
        {
            orphan = await owner.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });
            await owner.KillAsync(timeout.Token);
        }

        await using var late = await RedisNodes.StartAsync(redis.Server, _prefix, Lease);
        await late.WaitUntilTerminalAsync(orphan);

        using var http = new HttpClient { BaseAddress = late.BaseAddress };
        using var heldSnapshot = JsonDocument.Parse(await http.GetStringAsync($"workflow/executions/{held}", timeout.Token));
        Assert.Equal("running", heldSnapshot.RootElement.GetProperty("status").GetString());
    }

    /// <summary>Watches each of <paramref name="ids"/> through the balancer; returns once every watch has its first event (or has ended).</summary>
    private static async Task<List<Task<List<ExecutionEvent>>>> WatchEachAsync(RoundRobinBalancer balancer, string[] ids, string name, CancellationToken cancellationToken)
    {
        var firsts = ids.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        var watches = ids.Select((id, i) => RedisNodes.WatchAsync(balancer.BaseAddress, id, cancellationToken, client: $"{name}-{i}", seen: _ => firsts[i].TrySetResult())).ToList();
        await Task.WhenAll(firsts.Select((first, i) => Task.WhenAny(first.Task, watches[i]))).WaitAsync(cancellationToken);
        return watches;
    }

    /// <summary>Starts an execution as soon as the node takes one (429 while its places are taken), polling every 100 ms.</summary>
    private static async Task<string> StartOnceAcceptedAsync(Uri node, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = node };
        while (true)
        {
            using var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "quick" }, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests)
            {
                response.EnsureSuccessStatusCode();
                using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                return snapshot.RootElement.GetProperty("id").GetString()!;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
