using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer.Redis;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer.Stores;

/// <summary>
/// The store contract on <see cref="RedisExecutionStore"/>, on a redis-server of the class's own; each test has its own
/// key prefix, and "another writer" is another connection, as another server would have.
/// </summary>
public sealed class RedisExecutionStoreTests(RedisServerFixture fixture)
    : ExecutionStoreContractTests, IRequiresRedis, IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";

    [RedisFact]
    public async Task Create_ExistingId_IsRefusedAndChangesNothing()
    {
        using var store = (RedisExecutionStore)await OpenStoreAsync();
        var record = new ExecutionRecord("wf_exec_a", "quick", ExecutionStatuses.Running, DateTimeOffset.UnixEpoch, null, null, 1, null, null);
        await store.CreateAsync(record, new StoredEvent(1, "workflow.started", "{}"));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateAsync(record with { WorkflowId = "other" }, new StoredEvent(1, "workflow.started", "{\"again\":true}")));

        Assert.Equal(record, await store.GetAsync("wf_exec_a"));
        Assert.Equal("{}", Assert.Single(await store.ReadAfterAsync("wf_exec_a", 0)).Data);
        Assert.Single(await store.ListAsync());
    }

    [RedisFact]
    public async Task Create_HoldsTheLeaseForItsNode_UntilTheTerminalEvent()
    {
        using var store = (RedisExecutionStore)await OpenStoreAsync();
        var record = new ExecutionRecord("wf_exec_a", "quick", ExecutionStatuses.Running, DateTimeOffset.UnixEpoch, null, null, 1, null, null);
        await store.CreateAsync(record, new StoredEvent(1, "workflow.started", "{}"));
        using var other = (RedisExecutionStore)await OpenOtherWriterAsync(store);

        Assert.True(await store.IsLeasedAsync("wf_exec_a"));
        Assert.False(await other.TryTakeLeaseAsync("wf_exec_a"));
        Assert.Empty(await store.RenewLeasesAsync(["wf_exec_a"]));
        Assert.Equal(["wf_exec_a"], await other.RenewLeasesAsync(["wf_exec_a"]));

        await store.AppendAsync(new StoredEvent(2, "workflow.completed", "{}"), record with { Status = ExecutionStatuses.Completed, LastEventId = 2 });

        Assert.False(await store.IsLeasedAsync("wf_exec_a"));
    }

    private protected override async Task<IExecutionStore> OpenStoreAsync() =>
        await RedisExecutionStore.ConnectAsync(fixture.Server.Address, _prefix, "node-" + Guid.NewGuid().ToString("N")[..6], TimeSpan.FromSeconds(30));

    private protected override Task<IExecutionStore> OpenOtherWriterAsync(IExecutionStore store) => OpenStoreAsync();
}
