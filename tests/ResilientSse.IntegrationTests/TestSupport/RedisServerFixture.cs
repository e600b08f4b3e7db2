using ResilientSse.Testing;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>One redis-server for a test class, when redis-server runs here (see <see cref="RedisServer.SkipReason"/>).</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("redis-server was not started.");

    public async Task InitializeAsync()
    {
        if (RedisServer.SkipReason is null)
        {
            _server = await RedisServer.StartAsync();
        }
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }
}
