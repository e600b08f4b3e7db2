using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>The embedded SQLite store across a restart: finished logs kept, running executions ended.</summary>
public sealed class ReferenceServerRestartTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resilientsse-store-");

    [Fact]
    public async Task Restart_SameFile_KeepsFinishedLogsAndEndsRunningOnesAsInterrupted()
    {
        var database = Path.Combine(_directory.FullName, "executions.db");
        string finished, running;
        IReadOnlyList<RawStream.Item> before;
        await using (var first = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = database }))
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            finished = await first.StartExecutionAsync("quick");
            await first.WaitUntilTerminalAsync(finished);
            running = await first.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });
            before = (await RawStream.ReadAsync(http, $"workflow/executions/{finished}/stream")).Items;
        }

        await using var second = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = database });
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        var after = await RawStream.ReadAsync(client, $"workflow/executions/{finished}/stream");
        var interrupted = await RawStream.ReadAsync(client, $"workflow/executions/{running}/stream");
        using var snapshot = JsonDocument.Parse(await client.GetStringAsync($"workflow/executions/{running}"));

        Assert.Equal(1, second.InterruptedAtStart);
        Assert.Equal(before, after.Items);
        Assert.Equal(["workflow.started", "node.started", "workflow.failed"], interrupted.Items.Select(i => i.Type));
        Assert.Contains("interrupted by server restart", interrupted.Items[^1].Data, StringComparison.Ordinal);
        Assert.Equal("failed", snapshot.RootElement.GetProperty("status").GetString());
        Assert.Equal("interrupted by server restart", snapshot.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Restart_AfterManyStarts_EveryExecutionsLogBeginsWithWorkflowStarted()
    {
        var database = Path.Combine(_directory.FullName, "executions.db");
        await using (var first = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = database }))
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => first.StartExecutionAsync(i % 2 == 0 ? "quick" : "very-long", null)));
        }

        await using var second = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = database });
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        using var list = JsonDocument.Parse(await client.GetStringAsync("workflow/executions"));

        Assert.Equal(20, list.RootElement.GetArrayLength());
        foreach (var execution in list.RootElement.EnumerateArray())
        {
            var log = await RawStream.ReadAsync(client, $"workflow/executions/{execution.GetProperty("id").GetString()}/stream");
            Assert.Equal("workflow.started", log.Items[0].Type);
            Assert.Equal("1", log.Items[0].Id);
        }
    }

    [Fact]
    public async Task Restart_ExecutionWrittenWithoutWorkflowStarted_GetsItBeforeItsFailure()
    {
        // What an older server left when it stopped between writing an execution and its first event.
        var database = Path.Combine(_directory.FullName, "executions.db");
        await (await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = database })).DisposeAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO executions (id, workflow_id, status, started_at, last_event_id)
                VALUES ('wf_exec_half', 'quick', 'running', '2026-11-30T00:00:00.0000000+00:00', 0)
                """;
            insert.ExecuteNonQuery();
        }

        await using var server = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = database });
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var log = await RawStream.ReadAsync(client, "workflow/executions/wf_exec_half/stream");

        Assert.Equal(["workflow.started", "workflow.failed"], log.Items.Select(i => i.Type));
        Assert.Equal(["1", "2"], log.Items.Select(i => i.Id));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
