using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer.Stores;

/// <summary>The store contract on <see cref="MemoryExecutionStore"/>.</summary>
public sealed class MemoryExecutionStoreTests : ExecutionStoreContractTests
{
    private protected override Task<IExecutionStore> OpenStoreAsync() => Task.FromResult<IExecutionStore>(new MemoryExecutionStore());
}
