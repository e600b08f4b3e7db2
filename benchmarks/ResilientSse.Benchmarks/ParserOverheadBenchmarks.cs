using System.Net.ServerSentEvents;
using BenchmarkDotNet.Attributes;
using ResilientSse.Streaming;

namespace ResilientSse.Benchmarks;

/// <summary>
/// The resilient layer against raw <see cref="SseParser"/> over the same in-memory stream of 100,000 small JSON
/// events. Target: the layer at ≥ 0.95× the raw throughput, and allocations per event no more than raw plus one
/// small object.
/// </summary>
[MemoryDiagnoser]
public class ParserOverheadBenchmarks : IDisposable
{
    private const int EventCount = 100_000;
    private byte[] _body = [];
    private OneShotHandler _handler = null!;
    private SseClient _client = null!;
    private HttpClient _httpClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = EventStreamFixture.Create(EventCount);
        _handler = new OneShotHandler(_body);
        _httpClient = new HttpClient(_handler);
        _client = new SseClient(_httpClient, new SseClientOptions { InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0 });
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _httpClient.Dispose();
        _handler.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public async Task<long> RawSseParser()
    {
        long total = 0;
        var parser = SseParser.Create(new MemoryStream(_body, writable: false));
        await foreach (var item in parser.EnumerateAsync())
        {
            total += item.Data.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public async Task<long> ResilientSseClient()
    {
        long total = 0;
        _handler.Reset();
        await foreach (var item in _client.SubscribeAsync(new Uri("http://127.0.0.1/stream")))
        {
            total += item.Data.Length;
        }

        return total;
    }
}
