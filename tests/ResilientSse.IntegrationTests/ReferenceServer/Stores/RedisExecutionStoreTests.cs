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
    public void Create_ExistingId_IsRefusedAndChangesNothing()
    {
        using var store = (RedisExecutionStore)OpenStore();
        var record = new ExecutionRecord("wf_exec_a", "quick", ExecutionStatuses.Running, DateTimeOffset.UnixEpoch, null, null, 1, null, null);
        store.Create(record, new StoredEvent(1, "workflow.started", "{}"));

        Assert.Throws<InvalidOperationException>(() => store.Create(record with { WorkflowId = "other" }, new StoredEvent(1, "workflow.started", "{\"again\":true}")));

        Assert.Equal(record, store.Get("wf_exec_a"));
        Assert.Equal("{}", Assert.Single(store.ReadAfter("wf_exec_a", 0)).Data);
        Assert.Single(store.List());
    }

    [RedisFact]
    public void Create_HoldsTheLeaseForItsNode_UntilTheTerminalEvent()
    {
        using var store = (RedisExecutionStore)OpenStore();
        var record = new ExecutionRecord("wf_exec_a", "quick", ExecutionStatuses.Running, DateTimeOffset.UnixEpoch, null, null, 1, null, null);
        store.Create(record, new StoredEvent(1, "workflow.started", "{}"));
        using var other = (RedisExecutionStore)OpenOtherWriter(store);

        Assert.True(store.IsLeased("wf_exec_a"));
        Assert.False(other.TryTakeLease("wf_exec_a"));
        Assert.Empty(store.RenewLeases(["wf_exec_a"]));
        Assert.Equal(["wf_exec_a"], other.RenewLeases(["wf_exec_a"]));

        store.Append(new StoredEvent(2, "workflow.completed", "{}"), record with { Status = ExecutionStatuses.Completed, LastEventId = 2 });

        Assert.False(store.IsLeased("wf_exec_a"));
    }

    private protected override IExecutionStore OpenStore() =>
        new RedisExecutionStore(fixture.Server.Address, _prefix, "node-" + Guid.NewGuid().ToString("N")[..6], TimeSpan.FromSeconds(30));

    private protected override IExecutionStore OpenOtherWriter(IExecutionStore store) => OpenStore();
}
