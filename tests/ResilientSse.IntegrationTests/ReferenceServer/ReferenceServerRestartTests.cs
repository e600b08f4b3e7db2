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

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
