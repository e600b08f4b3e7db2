namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Marks a test class whose <see cref="StoreFactAttribute"/> tests need redis-server.</summary>
public interface IRequiresRedis;
