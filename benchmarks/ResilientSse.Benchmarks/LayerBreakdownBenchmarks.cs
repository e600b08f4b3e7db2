using System.Net.ServerSentEvents;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Benchmarks;

/// <summary>Where the layer's cost per event goes: the bounded, idle-timed body alone, then one connection's reader.</summary>
[MemoryDiagnoser]
public class LayerBreakdownBenchmarks
{
    private const int EventCount = 100_000;
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup() => _body = EventStreamFixture.Create(EventCount);

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public async Task<long> RawSseParser()
    {
        long total = 0;
        await foreach (var item in SseParser.Create(new MemoryStream(_body, writable: false)).EnumerateAsync())
        {
            total += item.Data.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public async Task<long> SseParserOverResponseStream()
    {
        long total = 0;
        using var idle = new IdleTimer(TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None);
        await using var body = new SseResponseStream(new MemoryStream(_body, writable: false), idle);
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            total += item.Data.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = EventCount)]
    public async Task<long> ConnectionReader()
    {
        long total = 0;
        var idle = new IdleTimer(TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None);
        await using var connection = new SseConnection(new HttpResponseMessage(), new SseResponseStream(new MemoryStream(_body, writable: false), idle), idle, 1 << 20, NullLogger.Instance);
        // As the watcher and SseClient read a connection: the parser itself, each event dispatched, counted at the end.
        var parser = connection.StartReading(string.Empty, CancellationToken.None);
        while (await parser.MoveNextAsync())
        {
            // A string per event, as the other two make: the layers are compared doing the same work.
            total += Encoding.UTF8.GetString(connection.Dispatch(1).DataUtf8.Span).Length;
        }

        connection.Finish();
        return total;
    }
}
