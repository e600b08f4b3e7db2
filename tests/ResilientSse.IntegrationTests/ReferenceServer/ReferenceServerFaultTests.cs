using System.Net;
using System.Net.ServerSentEvents;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>Each fault switch does what it says, and a replay afterwards is still complete: faults never touch the log.</summary>
public sealed class ReferenceServerFaultTests
{
    [Fact]
    public async Task DropProbabilityOne_EndsEachResponseAfterOneEvent_AndTheLogStaysComplete()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.Faults.DropProbability = 1);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var received = new List<string>();
        for (var attempt = 0; attempt < 20 && (received.Count == 0 || received[^1] != "8"); attempt++)
        {
            var part = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream", received.Count == 0 ? null : received[^1]);
            Assert.True(part.Items.Count <= 1, $"a response carried {part.Items.Count} events");
            received.AddRange(part.Items.Select(i => i.Id));
        }

        Assert.Equal(Enumerable.Range(1, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), received);
    }

    [Fact]
    public async Task DropBeforeTerminal_CutsTheFirstFullReadOnce_AndTheResumeGetsTheTerminal()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.Faults.DropBeforeTerminal = true);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var first = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream");
        var resumed = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream", first.Items[^1].Id);
        var replay = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream");

        Assert.Equal(7, first.Items.Count);
        Assert.Equal(["workflow.completed"], resumed.Items.Select(i => i.Type));
        Assert.Equal(8, replay.Items.Count);
    }

    [Fact]
    public async Task UnavailableRateOne_Answers503WithRetryAfter()
    {
        await using var server = await ReferenceServers.StartAsync(o =>
        {
            o.Faults.UnavailableRate = 1;
            o.Faults.RetryAfterSeconds = 7;
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");

        using var response = await http.GetAsync($"workflow/executions/{id}/stream");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task StallProbabilityOne_GoesSilentAfterTheFirstEvent_NoHeartbeats()
    {
        await using var server = await ReferenceServers.StartAsync(o =>
        {
            o.Faults.StallProbability = 1;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        using var response = await http.GetAsync($"workflow/executions/{id}/stream", HttpCompletionOption.ResponseHeadersRead);
        using var body = await response.Content.ReadAsStreamAsync();
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var silence = new CancellationTokenSource(TimeSpan.FromSeconds(1)); // ten heartbeat intervals
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(buffer, silence.Token);
                if (read == 0)
                {
                    break;
                }

                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }
        catch (OperationCanceledException)
        {
            // Still open and silent after ten heartbeat intervals: that is the stall.
        }

        var text = System.Text.Encoding.UTF8.GetString([.. received]);
        Assert.True(silence.IsCancellationRequested, "the stalled response ended instead of staying open");
        Assert.Contains("id: 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("id: 2\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("keep-alive", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faults_NeverCorruptTheLog_ReplayWithoutFaultsIsComplete()
    {
        var directory = Directory.CreateTempSubdirectory("resilientsse-faults-");
        var database = Path.Combine(directory.FullName, "executions.db");
        try
        {
            string id;
            await using (var faulty = await ReferenceServerHost.StartAsync(new ReferenceServerOptions
            {
                Urls = "http://127.0.0.1:0",
                DatabasePath = database,
                Faults = new ReferenceFaultOptions { DropProbability = 0.5, DropBeforeTerminal = true, UnavailableRate = 0.5, StallProbability = 0.1, Seed = 3 },
            }))
            {
                using var http = new HttpClient { BaseAddress = faulty.BaseAddress };
                id = await faulty.StartExecutionAsync("very-long", new { stages = 5, delayMs = 10 });
                await faulty.WaitUntilTerminalAsync(id);
                for (var i = 0; i < 10; i++)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                    try
                    {
                        await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream", cancellationToken: timeout.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // A stall.
                    }
                }
            }

            await using var clean = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", DatabasePath = database });
            using var client = new HttpClient { BaseAddress = clean.BaseAddress };
            var replay = await RawStream.ReadAsync(client, $"workflow/executions/{id}/stream");

            Assert.Equal(Enumerable.Range(1, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), replay.Items.Select(i => i.Id));
            Assert.Equal("workflow.completed", replay.Items[^1].Type);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }
}
