using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>Several nodes on one Redis: any node streams any execution, live, and resumes it from any id.</summary>
public sealed class RedisLiveDeliveryTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _prefix = $"live-{Guid.NewGuid():N}:";

    [RedisFact]
    public async Task Stream_OnANodeThatDoesNotRunTheExecution_GetsItsEventsLiveAndInOrder()
    {
        await using var runner = await RedisNodes.StartAsync(redis.Server, _prefix);
        await using var other = await RedisNodes.StartAsync(redis.Server, _prefix);
        using var http = new HttpClient { BaseAddress = other.BaseAddress };
        using var timeout = new CancellationTokenSource(Bound);
        var id = await runner.StartExecutionAsync("very-long", new { stages = 3, delayMs = 400 });

        // Stop after node.started of stage 2: the run is still going, so those events came live, not from the log.
        var first = await RedisNodes.ReadStreamAsync(http, id, lastEventId: null, stopAfter: 4, timeout.Token);
        using var snapshot = JsonDocument.Parse(await http.GetStringAsync($"workflow/executions/{id}", timeout.Token));
        var rest = await RedisNodes.ReadStreamAsync(http, id, lastEventId: 4, stopAfter: null, timeout.Token);

        Assert.Equal("running", snapshot.RootElement.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), first.Concat(rest).Select(e => e.Id));
        Assert.Equal("workflow.completed", rest[^1].Type);
    }

    [RedisFact]
    public async Task Stream_ResumedOnAnotherNode_ContinuesAfterLastEventIdWithoutLossOrDuplicate()
    {
        await using var a = await RedisNodes.StartAsync(redis.Server, _prefix);
        await using var b = await RedisNodes.StartAsync(redis.Server, _prefix);
        using var httpA = new HttpClient { BaseAddress = a.BaseAddress };
        using var httpB = new HttpClient { BaseAddress = b.BaseAddress };
        using var timeout = new CancellationTokenSource(Bound);
        var id = await b.StartExecutionAsync("very-long", new { stages = 4, delayMs = 150 });

        var seen = await RedisNodes.ReadStreamAsync(httpA, id, lastEventId: null, stopAfter: 3, timeout.Token);
        seen.AddRange(await RedisNodes.ReadStreamAsync(httpB, id, lastEventId: seen[^1].Id, stopAfter: 2, timeout.Token));
        seen.AddRange(await RedisNodes.ReadStreamAsync(httpA, id, lastEventId: seen[^1].Id, stopAfter: null, timeout.Token));

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seen.Select(e => e.Id));
        Assert.Equal("workflow.completed", seen[^1].Type);
    }

    [RedisFact]
    public async Task Cancel_OnAnotherNode_EndsTheRunAndItsStreamsEverywhere()
    {
        await using var runner = await RedisNodes.StartAsync(redis.Server, _prefix);
        await using var other = await RedisNodes.StartAsync(redis.Server, _prefix);
        using var http = new HttpClient { BaseAddress = other.BaseAddress };
        using var runnerHttp = new HttpClient { BaseAddress = runner.BaseAddress };
        using var timeout = new CancellationTokenSource(Bound);
        var id = await runner.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });
        var streamed = RedisNodes.ReadStreamAsync(runnerHttp, id, lastEventId: null, stopAfter: null, timeout.Token);

        using var cancelled = await http.PostAsync($"workflow/executions/{id}/cancel", null, timeout.Token);
        var events = await streamed;

        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal(["workflow.started", "node.started", "workflow.cancelled"], events.Select(e => e.Type));
        await runner.WaitUntilTerminalAsync(id);
    }
}
