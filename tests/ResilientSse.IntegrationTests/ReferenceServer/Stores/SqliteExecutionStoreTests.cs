using Microsoft.Data.Sqlite;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer.Stores;

/// <summary>The store contract on <see cref="SqliteExecutionStore"/>, and what only SQLite can get wrong.</summary>
public sealed class SqliteExecutionStoreTests : ExecutionStoreContractTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resilientsse-store-");

    [Fact]
    public async Task Create_EventWriteFails_LeavesNoExecutionBehind()
    {
        var path = Path.Combine(_directory.FullName, "executions.db");
        using var store = new SqliteExecutionStore(path);

        // A stray event row makes the second insert of Create fail after the first one succeeded.
        using (var other = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            other.Open();
            using var insert = other.CreateCommand();
            insert.CommandText = "INSERT INTO events (execution_id, id, type, data) VALUES ('wf_exec_b', 1, 'workflow.started', '{}')";
            insert.ExecuteNonQuery();
        }

        await Assert.ThrowsAsync<SqliteException>(async () => await store.CreateAsync(
            new ExecutionRecord("wf_exec_b", "quick", ExecutionStatuses.Running, DateTimeOffset.UnixEpoch, null, null, 1, null, null),
            new StoredEvent(1, "workflow.started", "{}")));

        Assert.Null(await store.GetAsync("wf_exec_b"));
        Assert.Empty(await store.ListUnfinishedAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private protected override Task<IExecutionStore> OpenStoreAsync() =>
        Task.FromResult<IExecutionStore>(new SqliteExecutionStore(Path.Combine(_directory.FullName, $"executions-{Guid.NewGuid():N}.db")));
}
