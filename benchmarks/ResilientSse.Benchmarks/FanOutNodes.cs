using ResilientSse.Testing;

namespace ResilientSse.Benchmarks;

/// <summary>
/// The servers a fan-out run streams from: one reference server (memory store), or, with <c>--redis-nodes N</c>, a
/// redis-server of the harness's own (a free loopback port, a temporary directory) and N server processes sharing it.
/// The first node is the writer: executions are started through it, so it runs them and the others relay its events.
/// </summary>
internal sealed class FanOutNodes : IAsyncDisposable
{
    private readonly RedisServer? _redis;

    private FanOutNodes(IReadOnlyList<FanOutServer> servers, RedisServer? redis)
    {
        Servers = servers;
        _redis = redis;
    }

    public IReadOnlyList<FanOutServer> Servers { get; }

    /// <summary>Gets the CPU time the servers' processes have used together; null when one runs in-process or elsewhere.</summary>
    public TimeSpan? ProcessorTime =>
        Servers.Select(s => s.ProcessorTime).Aggregate((TimeSpan?)TimeSpan.Zero, (sum, time) => sum + time);

    public static async Task<FanOutNodes> StartAsync(bool inProcess, string? external, int redisNodes)
    {
        if (external is not null)
        {
            return new([FanOutServer.External(new Uri(external))], null);
        }

        if (redisNodes == 0)
        {
            return new([await FanOutServer.StartAsync(inProcess)], null);
        }

        if (inProcess)
        {
            throw new ArgumentException("--redis-nodes starts each node as a process of its own: it does not go with --in-process.");
        }

        var redis = await RedisServer.StartAsync();
        var servers = new List<FanOutServer>();
        try
        {
            string[] store = ["--store", "redis", "--redis", redis.Address, "--redis-prefix", $"fanout-{Guid.NewGuid():N}:"];
            servers.AddRange(await Task.WhenAll(Enumerable.Range(0, redisNodes).Select(_ => FanOutServer.StartAsync(inProcess: false, store))));
            return new(servers, redis);
        }
        catch
        {
            await new FanOutNodes(servers, redis).DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }

        _redis?.Dispose();
    }
}
