using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary><c>--max-live</c> on the memory store.</summary>
public sealed class MemoryMaxLiveTests : MaxLiveTests
{
    private protected override Task<ReferenceServerHost> StartServerAsync(Action<ReferenceServerOptions> configure) => ReferenceServers.StartAsync(configure);
}
