using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>
/// The request log of streams, at Information: where each stream resumed from, how it ended and why — what the seed
/// incident (a proxy cutting the stream right before the terminal event) needed to be diagnosed from the server side.
/// </summary>
public sealed class StreamRequestLogTests
{
    private const string Category = "ResilientSse.ReferenceServer.Streams";

    [Fact]
    public async Task Stream_ResumedAndReadToTheEnd_LogsTheResumePointAndTheTerminalEnding()
    {
        var (server, logs, _) = await StartAsync();
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var read = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream", lastEventId: "2");

        Assert.Equal(6, read.Items.Count);
        var lines = Lines(logs);
        Assert.Contains(lines, l => l.StartsWith($"stream {id} from 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith(": opened, resuming after 2 (Last-Event-ID header)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"stream {id} from 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith(": ended after 6 event(s), last id 8: the execution ended (workflow.completed)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_CutBeforeTheTerminalEvent_LogsTheCutAndTheLastIdWritten()
    {
        var (server, logs, _) = await StartAsync(o => o.Faults.DropBeforeTerminal = true);
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var read = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream?lastEventId=0");

        Assert.Equal(7, read.Items.Count);
        Assert.Contains(Lines(logs), l => l.EndsWith(": opened, from the start", StringComparison.Ordinal));
        Assert.Contains(Lines(logs), l => l.EndsWith(": ended after 7 event(s), last id 7: fault: cut before the terminal event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_ClientGoesAway_LogsThatTheClientClosedTheConnection()
    {
        var (server, logs, logged) = await StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("very-long", new { stages = 5, delayMs = 60_000 });

        using (var response = await http.GetAsync($"workflow/executions/{id}/stream", HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            Assert.True(await body.ReadAsync(buffer) > 0);
        }

        // The server learns of the close on its next write (a heartbeat at the latest): each log record wakes the wait,
        // bounded at 10 s.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!Lines(logs).Any(l => l.Contains(": ended after", StringComparison.Ordinal)))
        {
            await logged.WaitAsync(timeout.Token);
        }

        Assert.Contains(Lines(logs), l => l.StartsWith($"stream {id} ", StringComparison.Ordinal) && l.EndsWith(": the client closed the connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_NothingLeftToSend_LogsThe204AndWhy()
    {
        var (server, logs, _) = await StartAsync();
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var read = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream", lastEventId: "8");

        Assert.Empty(read.Items);
        Assert.Contains(Lines(logs), l => l.EndsWith(": answered 204 without a stream: the execution has ended and its last event (8) was received", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_UnknownIdWithAnEncodedNewline_IsLoggedOnOneLine()
    {
        var (server, logs, _) = await StartAsync();
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("workflow/executions/wf%0Aforged/stream");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        var line = Assert.Single(Lines(logs));
        Assert.Equal("stream wf?forged from ", line[..22]);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public async Task RequestLogOff_StreamsAreNotLogged()
    {
        var (server, logs, _) = await StartAsync(o => o.RequestLog = false);
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream");

        Assert.Empty(Lines(logs));
    }

    /// <summary>Starts a server whose log is collected; <c>Logged</c> is released once per record written.</summary>
    private static async Task<(ReferenceServerHost Server, FakeLogCollector Logs, SemaphoreSlim Logged)> StartAsync(Action<ReferenceServerOptions>? configure = null)
    {
        var logged = new SemaphoreSlim(0);
        var collector = FakeLogCollector.Create(new FakeLogCollectorOptions { OutputSink = _ => logged.Release() });
        var provider = new FakeLoggerProvider(collector);
        var server = await ReferenceServers.StartAsync(o =>
        {
            o.ConfigureLogging = logging => logging.AddProvider(provider);
            o.RequestLog = true;
            configure?.Invoke(o);
        });
        return (server, collector, logged);
    }

    private static List<string> Lines(FakeLogCollector logs) =>
        logs.GetSnapshot().Where(r => r.Category == Category && r.Level == LogLevel.Information).Select(r => r.Message).ToList();
}
