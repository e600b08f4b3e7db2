using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ResilientSse.Executions;

namespace ResilientSse.Benchmarks;

/// <summary>
/// The execution watcher against the raw loop over the same in-memory stream of 100,000 small JSON events and a
/// terminal one: raw <see cref="SseParser"/> (strings only), the raw loop that also parses each event's data into a
/// <see cref="JsonDocument"/> (what the watcher yields: every event's data as JSON), and <c>WatchAsync</c>.
/// </summary>
[MemoryDiagnoser]
public class WatcherBenchmarks : IDisposable
{
    private const int EventCount = 100_000;
    private const string ExecutionId = "wf_exec_01JBENCH";
    private byte[] _body = [];
    private WatchHandler _handler = null!;
    private HttpClient _httpClient = null!;
    private ExecutionWatcher _watcher = null!;

    [GlobalSetup]
    public void Setup()
    {
        var terminal = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"id: {EventCount + 1}\nevent: workflow.completed\ndata: {{\"executionId\":\"{ExecutionId}\",\"status\":\"completed\",\"timestamp\":\"2026-11-24T12:00:01Z\"}}\n\n"));
        _body = [.. EventStreamFixture.Create(EventCount), .. terminal];
        _handler = new WatchHandler(_body, EventCount + 1);
        _httpClient = new HttpClient(_handler);
        _watcher = new ExecutionWatcher(_httpClient, new ExecutionWatcherOptions { BaseAddress = new Uri("http://127.0.0.1/") });
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _httpClient.Dispose();
        _handler.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount + 1)]
    public async Task<long> RawSseParser()
    {
        long total = 0;
        await foreach (var item in SseParser.Create(new MemoryStream(_body, writable: false)).EnumerateAsync())
        {
            total += item.Data.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = EventCount + 1)]
    public async Task<long> RawSseParserWithJsonDocument()
    {
        long total = 0;
        await foreach (var item in SseParser.Create(new MemoryStream(_body, writable: false)).EnumerateAsync())
        {
            using var data = JsonDocument.Parse(item.Data);
            total += data.RootElement.GetProperty("timestamp").GetString()!.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = EventCount + 1)]
    public async Task<long> WatchAsync()
    {
        long total = 0;
        await foreach (var item in _watcher.WatchAsync(ExecutionId))
        {
            total += item.Data.GetProperty("timestamp").GetString()!.Length;
        }

        return total;
    }

    /// <summary>Serves the whole log on the stream route and the terminal snapshot on the snapshot route.</summary>
    private sealed class WatchHandler(byte[] body, long lastEventId) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/stream", StringComparison.Ordinal))
            {
                var content = new StreamContent(new MemoryStream(body, writable: false));
                content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
            }

            var snapshot = string.Create(CultureInfo.InvariantCulture,
                $"{{\"id\":\"{ExecutionId}\",\"workflowId\":\"quick\",\"status\":\"completed\",\"startedAt\":\"2026-11-24T12:00:00Z\",\"completedAt\":\"2026-11-24T12:00:01Z\",\"lastEventId\":{lastEventId}}}");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(snapshot, Encoding.UTF8, "application/json") });
        }
    }
}
