using Microsoft.Data.Sqlite;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>The stores: an execution and its <c>workflow.started</c> exist together or not at all.</summary>
public sealed class ExecutionStoreTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resilientsse-store-");

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public void Create_WritesTheExecutionAndItsWorkflowStartedTogether(string kind)
    {
        using var store = Open(kind);
        var execution = Running("wf_exec_a");

        store.Create(execution, Started("wf_exec_a"));

        Assert.Equal(1, store.Get("wf_exec_a")!.LastEventId);
        Assert.Equal(["workflow.started"], store.ReadAfter("wf_exec_a", 0).Select(e => e.Type));
    }

    [Fact]
    public void Create_SqliteEventWriteFails_LeavesNoExecutionBehind()
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

        Assert.Throws<SqliteException>(() => store.Create(Running("wf_exec_b"), Started("wf_exec_b")));

        Assert.Null(store.Get("wf_exec_b"));
        Assert.Empty(store.ListUnfinished());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private IExecutionStore Open(string kind) => kind == "memory"
        ? new MemoryExecutionStore()
        : new SqliteExecutionStore(Path.Combine(_directory.FullName, "executions.db"));

    private static ExecutionRecord Running(string id) =>
        new(id, "quick", ExecutionStatuses.Running, DateTimeOffset.UnixEpoch, null, null, 1, null, null);

    private static StoredEvent Started(string id) => new(1, "workflow.started", $$"""{"executionId":"{{id}}","workflowId":"quick","timestamp":"1970-01-01T00:00:00Z"}""");
}
