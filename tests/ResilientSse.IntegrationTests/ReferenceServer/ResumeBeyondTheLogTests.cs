using System.Net;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>
/// A <c>Last-Event-ID</c> beyond the execution's log is an id this server never sent: answered 400 problem+json at once,
/// whatever the execution's status, never a response held open for events that may never come.
/// </summary>
public sealed class ResumeBeyondTheLogTests : IAsyncLifetime
{
    private ReferenceServerHost _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ReferenceServers.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Stream_LastEventIdBeyondTheLogOfARunningExecution_Answers400NamingTheLastId()
    {
        var id = await _server.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });

        using var response = await GetStreamAsync($"workflow/executions/{id}/stream", "57");

        await AssertBeyondAsync(response, id, 57, 2);
    }

    [Fact]
    public async Task Stream_LastEventIdBeyondTheLogOfAFinishedExecution_Answers400()
    {
        var id = await _server.StartExecutionAsync("quick");
        await _server.WaitUntilTerminalAsync(id);

        using var header = await GetStreamAsync($"workflow/executions/{id}/stream", "9");
        using var query = await GetStreamAsync($"workflow/executions/{id}/stream?lastEventId=9", null);
        using var upToDate = await GetStreamAsync($"workflow/executions/{id}/stream", "8");

        await AssertBeyondAsync(header, id, 9, 8);
        await AssertBeyondAsync(query, id, 9, 8);
        Assert.Equal(HttpStatusCode.NoContent, upToDate.StatusCode);
    }

    [Fact]
    public async Task Watch_StreamAnswersTheBeyondRule_GetsTheWholeLogOnceAndEndsWithTheTerminalEvent()
    {
        // The watcher resumes only from ids it saw; a handler stands in for one that saw ids of another database.
        using var http = new HttpClient(new BeyondTheLogOnce { InnerHandler = new HttpClientHandler() }) { BaseAddress = _server.BaseAddress };
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = _server.BaseAddress,
            PollInterval = TimeSpan.FromMilliseconds(50),
            OfflineBudget = TimeSpan.FromSeconds(30),
            Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(200), IdleTimeout = TimeSpan.FromSeconds(5) },
        });
        var id = await _server.StartExecutionAsync("very-long", new { stages = 3, delayMs = 100 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var items = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync(id, timeout.Token))
        {
            items.Add(item);
        }

        Assert.Single(items, e => e.IsTerminal);
        Assert.True(items[^1].IsTerminal);
        Assert.Equal("workflow.completed", items[^1].Type);

        // The ids it was refused for were never its own: it resumes from what it did see (nothing), so the log comes
        // whole — every event once, no gap reported.
        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
    }

    private async Task<HttpResponseMessage> GetStreamAsync(string path, string? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task AssertBeyondAsync(HttpResponseMessage response, string id, long asked, long last)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            $"Last-Event-ID {asked} is beyond the log of execution {id} (last id {last}).",
            problem.RootElement.GetProperty("detail").GetString());
    }

    /// <summary>Sends <c>Last-Event-ID: 50</c> on the first stream request, as a client with ids from elsewhere would.</summary>
    private sealed class BeyondTheLogOnce : DelegatingHandler
    {
        private int _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/stream", StringComparison.Ordinal) && Interlocked.Exchange(ref _sent, 1) == 0)
            {
                request.Headers.Remove("Last-Event-ID");
                request.Headers.Add("Last-Event-ID", "50");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
