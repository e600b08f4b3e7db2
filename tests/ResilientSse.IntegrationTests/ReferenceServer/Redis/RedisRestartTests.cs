using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.Testing;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>Redis (with persistence) killed and restarted mid-run: the nodes reconnect, the run goes on, nothing is lost.</summary>
public sealed class RedisRestartTests
{
    [RedisFact]
    public async Task RedisRestartedMidRun_WatchThroughAnotherNode_GetsEveryEventOnce_AndReplayIsComplete()
    {
        const int Stages = 6;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var redis = await RedisServer.StartAsync(persistent: true);
        var prefix = $"restart-{Guid.NewGuid():N}:";
        await using var runner = await RedisNodes.StartAsync(redis, prefix);
        await using var other = await RedisNodes.StartAsync(redis, prefix);
        using var http = new HttpClient { BaseAddress = other.BaseAddress };
        var id = await runner.StartExecutionAsync("very-long", new { stages = Stages, delayMs = 500 });
        var watch = RedisNodes.WatchAsync(other.BaseAddress, id, timeout.Token);
        while (LastEventId(await http.GetStringAsync($"workflow/executions/{id}", timeout.Token)) < 3)
        {
            await Task.Delay(50, timeout.Token);
        }

        await redis.RestartAsync();
        var events = await watch;
        var replay = await RedisNodes.ReadStreamAsync(http, id, lastEventId: null, stopAfter: null, timeout.Token);

        Assert.True(events[^1].Type == "workflow.completed", string.Join(", ", events.Select(e => $"{e.Sequence}:{e.Type}:{e.Data}")));
        var all = Enumerable.Range(1, 2 + (2 * Stages)).Select(i => (long)i).ToList();
        Assert.DoesNotContain(events, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(all, events.Select(e => e.Sequence ?? 0));
        Assert.Equal("workflow.completed", events[^1].Type);
        Assert.Equal(all, replay.Select(e => e.Id));
    }

    private static long LastEventId(string snapshot)
    {
        using var document = JsonDocument.Parse(snapshot);
        return long.Parse(document.RootElement.GetProperty("lastEventId").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
