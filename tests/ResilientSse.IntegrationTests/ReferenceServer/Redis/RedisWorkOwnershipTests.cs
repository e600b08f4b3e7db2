using System.Diagnostics;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>One node runs an execution, holding a lease; when it is gone, another ends the execution ("node lost").</summary>
public sealed class RedisWorkOwnershipTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private readonly string _prefix = $"own-{Guid.NewGuid():N}:";

    [RedisFact]
    public async Task OwnerKilled_WatcherThroughAnotherNode_EndsWithNodeLostWithinTheLeaseTime_AndOtherRunsComplete()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var survivor = await RedisNodes.StartAsync(redis.Server, _prefix, Lease);
        var (owner, ownerAddress) = await RedisNodes.StartProcessAsync(redis.Server, _prefix, Lease, timeout.Token);
        try
        {
            using var ownerHttp = new HttpClient { BaseAddress = ownerAddress };
            var lost = await StartAsync(ownerHttp, new { stages = 10, delayMs = 60_000 }, timeout.Token);
            var unaffected = await survivor.StartExecutionAsync("very-long", new { stages = 4, delayMs = 500 });
            var watch = RedisNodes.WatchAsync(survivor.BaseAddress, lost, timeout.Token);
            var otherWatch = RedisNodes.WatchAsync(survivor.BaseAddress, unaffected, timeout.Token);

            owner.Kill(); // SIGKILL: the lease is neither renewed nor given up
            await owner.WaitForExitAsync(timeout.Token);
            var killedAt = Stopwatch.StartNew();
            var events = await watch;
            var endedAfter = killedAt.Elapsed;
            var otherEvents = await otherWatch;

            Assert.Equal("workflow.failed", events[^1].Type);
            Assert.Equal(ExecutionStatus.Failed, events[^1].Status);
            Assert.Contains("node lost", events[^1].Data.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.InRange(endedAfter, TimeSpan.Zero, Lease + TimeSpan.FromSeconds(5)); // the lease, one sweep, one retry
            Assert.Equal("workflow.completed", otherEvents[^1].Type);
            Assert.DoesNotContain(otherEvents, e => e.Kind == ExecutionEventKind.Gap);
        }
        finally
        {
            if (!owner.HasExited)
            {
                owner.Kill();
            }

            owner.Dispose();
        }
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
        var (owner, ownerAddress) = await RedisNodes.StartProcessAsync(redis.Server, _prefix, Lease, timeout.Token);
        string orphan;
        using (var ownerHttp = new HttpClient { BaseAddress = ownerAddress })
        {
            orphan = await StartAsync(ownerHttp, new { stages = 10, delayMs = 60_000 }, timeout.Token);
        }

        owner.Kill();
        await owner.WaitForExitAsync(timeout.Token);
        owner.Dispose();
        await using var late = await RedisNodes.StartAsync(redis.Server, _prefix, Lease);
        await late.WaitUntilTerminalAsync(orphan);

        using var http = new HttpClient { BaseAddress = late.BaseAddress };
        using var heldSnapshot = JsonDocument.Parse(await http.GetStringAsync($"workflow/executions/{held}", timeout.Token));
        Assert.Equal("running", heldSnapshot.RootElement.GetProperty("status").GetString());
    }

    private static async Task<string> StartAsync(HttpClient http, object input, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(
            "workflow/executions",
            new StringContent(JsonSerializer.Serialize(new { workflowId = "very-long", input }), System.Text.Encoding.UTF8, "application/json"),
            cancellationToken);
        response.EnsureSuccessStatusCode();
        using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return snapshot.RootElement.GetProperty("id").GetString()!;
    }
}
