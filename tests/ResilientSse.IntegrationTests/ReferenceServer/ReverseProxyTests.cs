using System.Net.ServerSentEvents;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.Streaming;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>CONTRACT §2.3: through nginx at its default settings, events arrive as written, and replay and the watcher work.</summary>
public sealed class ReverseProxyTests
{
    [NginxFact]
    public async Task ThroughNginx_LiveEventsArriveWhileTheRunIsGoing()
    {
        await using var server = await ReferenceServers.StartAsync();
        using var proxy = await NginxProxy.StartAsync(server.BaseAddress);
        using var http = new HttpClient { BaseAddress = proxy.BaseAddress };
        var id = await server.StartExecutionAsync("very-long", new { stages = 3, delayMs = 1_000 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await http.GetAsync($"workflow/executions/{id}/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var statuses = new List<string>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
        {
            using var snapshot = JsonDocument.Parse(await http.GetStringAsync($"workflow/executions/{id}", timeout.Token));
            statuses.Add(snapshot.RootElement.GetProperty("status").GetString()!);
        }

        Assert.Equal(8, statuses.Count);
        Assert.Equal("running", statuses[2]); // not held back in the proxy's buffer until the end
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [NginxFact]
    public async Task ThroughNginx_ReplayAnd204AndTheWatcherWork()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.Faults.DropBeforeTerminal = true);
        using var proxy = await NginxProxy.StartAsync(server.BaseAddress);
        using var http = new HttpClient { BaseAddress = proxy.BaseAddress };
        var id = await server.StartExecutionAsync("quick");

        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = proxy.BaseAddress,
            Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) },
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var items = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync(id, timeout.Token))
        {
            items.Add(item);
        }

        var replay = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream");
        var upToDate = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream", "8");

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.Equal(ExecutionEventSource.Stream, items[^1].Source);
        Assert.Equal(8, replay.Items.Count);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, upToDate.Status);
    }
}
