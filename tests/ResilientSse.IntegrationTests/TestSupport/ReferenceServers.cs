using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Reference servers for tests: in memory, on a free loopback port.</summary>
internal static class ReferenceServers
{
    public static Task<ReferenceServerHost> StartAsync(Action<ReferenceServerOptions>? configure = null)
    {
        // No request log on the console: thousands of streams in one test would only queue lines nobody reads
        // (StreamRequestLogTests turns it on and collects it).
        var options = new ReferenceServerOptions { Urls = "http://127.0.0.1:0", Store = ReferenceStoreKind.Memory, RetryMilliseconds = 50, RequestLog = false };
        configure?.Invoke(options);
        return ReferenceServerHost.StartAsync(options);
    }

    /// <summary>Starts an execution and returns its id.</summary>
    public static Task<string> StartExecutionAsync(this ReferenceServerHost server, string workflowId, object? input = null) =>
        StartExecutionAsync(server.BaseAddress, workflowId, input);

    /// <summary>Starts an execution on the server at <paramref name="baseAddress"/> and returns its id.</summary>
    public static async Task<string> StartExecutionAsync(Uri baseAddress, string workflowId, object? input = null)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        using var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId, input });
        response.EnsureSuccessStatusCode();
        using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return snapshot.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Waits, polling the snapshot at most 60 s, until the execution is terminal.</summary>
    public static async Task WaitUntilTerminalAsync(this ReferenceServerHost server, string id)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        for (var i = 0; i < 600; i++)
        {
            using var snapshot = JsonDocument.Parse(await http.GetStringAsync($"workflow/executions/{id}"));
            if (snapshot.RootElement.GetProperty("status").GetString() is "completed" or "failed" or "cancelled")
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Execution {id} did not end within 60 s.");
    }
}
