using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>CONTRACT §2: framing, resumption, 204, fan-out, heartbeats, proxy-friendly headers.</summary>
public sealed class ReferenceServerStreamTests : IAsyncLifetime
{
    private ReferenceServerHost _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ReferenceServers.StartAsync(o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.SubscriberBufferSize = 4;
        });
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Stream_Finished_RetryFirstThenIds1ToNThenEnds()
    {
        var id = await FinishedAsync("very-long", new { stages = 4, delayMs = 5 });

        using var response = await _http.GetAsync($"workflow/executions/{id}/stream");
        var body = await response.Content.ReadAsStringAsync();
        var stream = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.StartsWith("retry: 50\n\n", body, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), stream.Items.Select(i => i.Id));
        Assert.True(stream.EndedCleanly);
        Assert.All(stream.Items, item =>
        {
            using var data = JsonDocument.Parse(item.Data);
            Assert.Equal(id, data.RootElement.GetProperty("executionId").GetString());
            Assert.True(data.RootElement.TryGetProperty("timestamp", out _));
        });
    }

    [Fact]
    public async Task Stream_ReplayFromEveryPosition_GivesExactlyTheRest()
    {
        var id = await FinishedAsync("quick");
        var full = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream");

        for (var n = 0; n < full.Items.Count; n++)
        {
            var rest = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(full.Items.Skip(n), rest.Items);
        }
    }

    [Fact]
    public async Task Stream_LastEventIdInTheQuery_ResumesLikeTheHeader()
    {
        var id = await FinishedAsync("quick");

        var rest = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream?lastEventId=6");

        Assert.Equal(["7", "8"], rest.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Stream_UpToDate_Answers204()
    {
        var id = await FinishedAsync("quick");

        var header = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream", "8");
        var query = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream?lastEventId=8");

        Assert.Equal(HttpStatusCode.NoContent, header.Status);
        Assert.Equal(HttpStatusCode.NoContent, query.Status);
    }

    [Fact]
    public async Task Stream_JoinedWhileTheRunEnds_NeverEndsCleanlyWithoutTheTerminalEvent()
    {
        // Replays that are still being written when the run ends: the rest waits in the subscriber's channel.
        await using var server = await ReferenceServers.StartAsync(o => { o.SubscriberBufferSize = 100_000; o.HeartbeatInterval = TimeSpan.FromSeconds(30); });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var bad = new List<string>();
        for (var round = 0; round < 30 && bad.Count == 0; round++)
        {
            var id = await server.StartExecutionAsync("very-long", new { stages = 400, delayMs = 0 });
            var readers = new List<Task<RawStream.Result>>();
            for (var i = 0; i < 40; i++)
            {
                readers.Add(RawStream.ReadAsync(http, $"workflow/executions/{id}/stream", "0", timeout.Token));
                await Task.Yield(); // joins spread over the run's last moments, not all at once
            }

            foreach (var stream in await Task.WhenAll(readers))
            {
                if (stream.Status == HttpStatusCode.OK && stream.EndedCleanly && (stream.Items.Count == 0 || stream.Items[^1].Type != "workflow.completed"))
                {
                    bad.Add($"{id}: {stream.Items.Count} events, the last {(stream.Items.Count == 0 ? "none" : stream.Items[^1].Id + " " + stream.Items[^1].Type)}");
                }
            }
        }

        Assert.True(bad.Count == 0, $"{bad.Count} responses ended cleanly without the terminal event:\n" + string.Join("\n", bad.Take(10)));
    }

    [Fact]
    public async Task Stream_Unknown_Answers404_AndBadLastEventId_Answers400()
    {
        var id = await FinishedAsync("quick");

        var unknown = await RawStream.ReadAsync(_http, "workflow/executions/wf_exec_missing/stream");
        var bad = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream", "seven");

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("application/problem+json", bad.MediaType);
    }

    [Fact]
    public async Task Stream_Live_DeliversEachEventAsWrittenAndEndsAfterTheTerminal()
    {
        var id = await _server.StartExecutionAsync("very-long", new { stages = 3, delayMs = 1_000 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.GetAsync($"workflow/executions/{id}/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var parser = SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token));
        var statusesSeen = new List<string>();

        await foreach (var item in parser.EnumerateAsync(timeout.Token))
        {
            using var snapshot = JsonDocument.Parse(await _http.GetStringAsync($"workflow/executions/{id}"));
            statusesSeen.Add(snapshot.RootElement.GetProperty("status").GetString()!);
        }

        // The first events arrived while the run was still going: nothing was held back until the end.
        Assert.Equal(8, statusesSeen.Count);
        Assert.Equal("running", statusesSeen[1]);
        Assert.Equal("completed", statusesSeen[^1]);
    }

    [Fact]
    public async Task Stream_HundredConcurrentSubscribers_ReceiveIdenticalFullSequences()
    {
        var id = await _server.StartExecutionAsync("very-long", new { stages = 3, delayMs = 100 });

        var streams = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream")));

        Assert.All(streams, s => Assert.Equal(Enumerable.Range(1, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), s.Items.Select(i => i.Id)));
        Assert.All(streams, s => Assert.Equal(streams[0].Items, s.Items));
    }

    [Fact]
    public async Task Stream_SlowSubscriber_DoesNotDelayAFastOne_AndLosesNothing()
    {
        var id = await _server.StartExecutionAsync("very-long", new { stages = 300, delayMs = 0 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The slow subscriber reads the headers and then nothing while the run and a fast subscriber go on.
        using var slow = await _http.GetAsync($"workflow/executions/{id}/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var fast = await RawStream.ReadAllAsync(_http, $"workflow/executions/{id}/stream", timeout.Token);

        Assert.Equal(Enumerable.Range(1, 602).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), fast.Select(i => i.Id));

        // Read late, the slow one was cut off when its 4-event buffer filled (or got everything the socket
        // buffers absorbed); resuming after its last event gives exactly the rest.
        var slowItems = new List<string>();
        await foreach (var item in SseParser.Create(await slow.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
        {
            slowItems.Add(item.Data);
        }

        var rest = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream", slowItems.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), timeout.Token);
        Assert.Equal(fast.Select(i => i.Data), slowItems.Concat(rest.Items.Select(i => i.Data)));
    }

    [Fact]
    public async Task Stream_Quiet_WritesHeartbeatComments()
    {
        // A stage far longer than the test: after the first events, only heartbeats can arrive.
        var id = await _server.StartExecutionAsync("very-long", new { stages = 1, delayMs = 600_000 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.GetAsync($"workflow/executions/{id}/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains(": keep-alive\n\n", StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "the response ended before a heartbeat: " + received);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        Assert.DoesNotContain("node.completed", received.ToString(), StringComparison.Ordinal);
    }

    private async Task<string> FinishedAsync(string workflowId, object? input = null)
    {
        var id = await _server.StartExecutionAsync(workflowId, input);
        await _server.WaitUntilTerminalAsync(id);
        return id;
    }
}
