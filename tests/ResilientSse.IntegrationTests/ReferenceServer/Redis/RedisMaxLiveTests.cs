using System.Diagnostics;
using System.Net;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using Xunit.Abstractions;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>
/// <c>--max-live</c> on the Redis store: the suite every store passes, and what a shared store adds — the limit is each
/// node's own (the runs a node holds the lease of), exact however many nodes share the store.
/// </summary>
public sealed class RedisMaxLiveTests(RedisServerFixture redis, ITestOutputHelper output) : MaxLiveTests, IRequiresRedis, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = $"maxlive-{Guid.NewGuid():N}:";

    [RedisFact]
    public async Task Post_AtOnceToTwoNodesWithMaxLive30_EachAccepts30_TheLimitIsPerNode()
    {
        await using var a = await StartServerAsync(o => o.MaxLiveExecutions = 30);
        await using var b = await StartServerAsync(o => o.MaxLiveExecutions = 30);

        var answers = await PostAtOnceAsync(40, a.BaseAddress, b.BaseAddress);

        AssertAccepted(answers[..40], accepted: 30, retryAfter: TimeSpan.FromSeconds(1));
        AssertAccepted(answers[40..], accepted: 30, retryAfter: TimeSpan.FromSeconds(1));
    }

    [RedisFact]
    public async Task Cancel_ThroughAnotherNode_GivesTheOwnersPlaceBackAtOnce()
    {
        await using var owner = await StartServerAsync(o => o.MaxLiveExecutions = 1);
        await using var other = await StartServerAsync(_ => { });
        using var http = new HttpClient();
        var running = await owner.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });

        using var cancelled = await http.PostAsync(new Uri(other.BaseAddress, $"workflow/executions/{running}/cancel"), null);
        var clock = Stopwatch.StartNew();
        var refused = 0;
        while ((await PostAtOnceAsync(1, owner.BaseAddress))[0].Status == HttpStatusCode.TooManyRequests)
        {
            refused++;
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        output.WriteLine($"The owner took a new run {clock.Elapsed.TotalMilliseconds:F0} ms after the cancel through another node ({refused} refused meanwhile).");
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    private protected override Task<ReferenceServerHost> StartServerAsync(Action<ReferenceServerOptions> configure) => ReferenceServers.StartAsync(o =>
    {
        o.Store = ReferenceStoreKind.Redis;
        o.Redis = redis.Server.Address;
        o.RedisKeyPrefix = _prefix;
        configure(o);
    });
}
