using System.Diagnostics;
using System.Net.ServerSentEvents;
using ResilientSse.IntegrationTests.TestSupport;
using Xunit.Abstractions;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>
/// A thousand streams open at once on one Redis-backed node: every one is answered, replays the log, stays open, and
/// gets the terminal event live. The store's calls are asynchronous, so a burst of requests waits on Redis without
/// holding a pool thread each (the synchronous store timed out here).
/// </summary>
public sealed class RedisManyStreamsTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int Executions = 10;
    private const int StreamsPerExecution = 100;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [RedisFact]
    public async Task Stream_ThousandOpenAtOnceOnOneNode_EveryStreamIsServedToTheTerminalEvent()
    {
        await using var node = await RedisNodes.StartAsync(redis.Server, $"many-{Guid.NewGuid():N}:");
        using var timeout = new CancellationTokenSource(Bound);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = node.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };

        // One stage that lasts far longer than the test: the executions run until they are cancelled below, so every
        // stream is open at the same time, and ends only with the workflow.cancelled written after all are open.
        var ids = new List<string>();
        for (var i = 0; i < Executions; i++)
        {
            ids.Add(await node.StartExecutionAsync("very-long", new { stages = 1, delayMs = 600_000 }));
        }

        var clock = Stopwatch.StartNew();
        var streams = ids.SelectMany(id => Enumerable.Range(0, StreamsPerExecution).Select(_ => new OpenStream(id))).ToList();
        var reads = streams.Select(s => s.ReadAsync(http, timeout.Token)).ToList();
        var opened = await Task.WhenAll(streams.Select(s => s.Opened));
        var openSeconds = clock.Elapsed.TotalSeconds;

        var cancels = new List<int>();
        foreach (var id in ids)
        {
            using var cancelled = await http.PostAsync($"workflow/executions/{id}/cancel", null, timeout.Token);
            cancels.Add((int)cancelled.StatusCode);
        }

        var cancelledAt = clock.Elapsed;
        await Task.WhenAll(reads);
        var endSeconds = (clock.Elapsed - cancelledAt).TotalSeconds;

        var failures = streams.Where(s => s.Failure is not null).Select(s => s.Failure!).ToList();
        output.WriteLine($"{streams.Count} streams on one Redis node ({Executions} executions): {opened.Count(o => o)} opened in {openSeconds:F1} s, "
            + $"{failures.Count} failed; cancels answered {string.Join(' ', cancels.Distinct())}; all ended {endSeconds:F1} s after the cancels; "
            + $"load average {LoadAverage()}.");
        foreach (var reason in failures.GroupBy(f => f).Take(5))
        {
            output.WriteLine($"  {reason.Count()} x {reason.Key}");
        }

        Assert.Empty(failures);
        Assert.All(cancels, status => Assert.Equal(202, status));
        Assert.All(streams, s => Assert.Equal(["1 workflow.started", "2 node.started", "3 workflow.cancelled"], s.Events));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>One stream: opened once its first two events (the log so far) arrived; then read to its end.</summary>
    private sealed class OpenStream(string id)
    {
        private readonly TaskCompletionSource<bool> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets a task that completes with true when the log so far arrived, false when the stream failed first.</summary>
        public Task<bool> Opened => _opened.Task;

        public List<string> Events { get; } = [];

        public string? Failure { get; private set; }

        public async Task ReadAsync(HttpClient http, CancellationToken cancellationToken)
        {
            try
            {
                using var response = await http.GetAsync($"workflow/executions/{id}/stream", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    Failure = $"HTTP {(int)response.StatusCode}";
                    return;
                }

                await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(cancellationToken)).EnumerateAsync(cancellationToken))
                {
                    Events.Add($"{item.EventId} {item.EventType}");
                    if (Events.Count == 2)
                    {
                        _opened.TrySetResult(true);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                Failure = ex.GetType().Name + ": " + ex.Message;
            }
            finally
            {
                _opened.TrySetResult(false);
            }
        }
    }
}
