using ResilientSse.Testing;
using Xunit.Sdk;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// A fact of a suite that several classes inherit, one per store: it runs like <see cref="FactAttribute"/>, except in a
/// class marked <see cref="IRequiresRedis"/> where redis-server is missing (and CI is not true), where it is skipped
/// with <see cref="RedisServer.SkipReason"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("ResilientSse.IntegrationTests.TestSupport.StoreFactDiscoverer", "ResilientSse.IntegrationTests")]
public sealed class StoreFactAttribute : FactAttribute;
