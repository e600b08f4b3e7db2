using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>One server per SQLite file: a second one refuses to start and names the owner; a dead owner blocks nothing.</summary>
public sealed class DatabaseOwnerTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resilientsse-owner-");

    private string Database => Path.Combine(_directory.FullName, "executions.db");

    [Fact]
    public async Task StartAsync_SecondServerOnTheSameFile_RefusesAndNamesTheOwner_AndLeavesItsRunsAlone()
    {
        await using var first = await StartAsync();
        var running = await first.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });

        var refused = await Assert.ThrowsAsync<DatabaseInUseException>(StartAsync);

        Assert.Contains($"pid {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(Database), refused.Message, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = first.BaseAddress };
        using var snapshot = JsonDocument.Parse(await http.GetStringAsync($"workflow/executions/{running}"));
        Assert.Equal("running", snapshot.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task StartAsync_AfterTheOwnerStopped_Starts()
    {
        await (await StartAsync()).DisposeAsync();

        await using var second = await StartAsync();

        Assert.Equal(0, second.InterruptedAtStart);
    }

    [Fact]
    public async Task StartAsync_LockFileLeftByADeadProcess_DoesNotBlock()
    {
        // What kill -9 leaves: both files, the dead owner's text, and no lock (the kernel dropped it with the process).
        await File.WriteAllTextAsync(Database + ".lock", "");
        await File.WriteAllTextAsync(Database + ".owner", "pid 999999 (/gone), started 2026-01-01T00:00:00.0000000+00:00");

        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "quick" });

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        Assert.Contains($"pid {Environment.ProcessId}", await File.ReadAllTextAsync(Database + ".owner"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_RefusedBecauseThePortIsTaken_ReleasesTheDatabaseForTheNextServer()
    {
        await using var portHolder = await ReferenceServers.StartAsync();

        await Assert.ThrowsAsync<IOException>(() => ReferenceServerHost.StartAsync(
            new ReferenceServerOptions { Urls = portHolder.BaseAddress.ToString().TrimEnd('/'), DatabasePath = Database }));

        // Had the refused server kept its store, its owner lock would refuse this one.
        await using var next = await StartAsync();
        Assert.Equal(0, next.InterruptedAtStart);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private Task<ReferenceServerHost> StartAsync() =>
        ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = Database });
}
