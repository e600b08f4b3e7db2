using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using Xunit.Abstractions;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>
/// How late live events reach streams on nodes that did not write them: one node runs the executions, the streams are
/// spread over the two others, and each event's delay is its arrival minus the timestamp its writer put in it.
/// 200 streams keep the test short on two cores; how many streams one Redis node opens at once is
/// <see cref="RedisManyStreamsTests"/>' question, and the fan-out harness's (<c>fanout 1000 --redis-nodes 3</c>).
/// </summary>
public sealed class RedisCrossNodeDelayTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int Executions = 10;
    private const int StreamsPerExecution = 20;
    private const int Stages = 10;

    [RedisFact]
    public async Task Stream_ThroughNodesThatDidNotWrite_LiveEventsArriveWithinASecondAtP99()
    {
        var prefix = $"delay-{Guid.NewGuid():N}:";
        await using var writer = await RedisNodes.StartAsync(redis.Server, prefix);
        await using var second = await RedisNodes.StartAsync(redis.Server, prefix);
        await using var third = await RedisNodes.StartAsync(redis.Server, prefix);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
        var ids = new List<string>();
        for (var i = 0; i < Executions; i++)
        {
            ids.Add(await writer.StartExecutionAsync("very-long", new { stages = Stages, delayMs = 200 }));
        }

        var streams = ids.SelectMany((id, e) => Enumerable.Range(0, StreamsPerExecution).Select(s => ((e + s) % 2 == 0 ? second : third, id)))
            .Select(target => ReadLiveDelaysAsync(http, target.Item1, target.id, timeout.Token)).ToList();
        var delays = (await Task.WhenAll(streams)).SelectMany(d => d).Order().ToList();

        var p50 = delays[delays.Count / 2];
        var p99 = delays[(int)(delays.Count * 0.99)];
        output.WriteLine($"{Executions * StreamsPerExecution} streams on 2 nodes, writer on a third: {delays.Count} live deliveries; "
            + $"delay p50 {p50:F1} ms, p99 {p99:F1} ms, max {delays[^1]:F1} ms (event timestamps have millisecond precision).");
        Assert.True(delays.Count > Executions * StreamsPerExecution * Stages, $"Only {delays.Count} live deliveries.");
        Assert.InRange(p99, -1, 1_000);
    }

    /// <summary>Reads a stream to its end; returns, for each event written after the stream was open, arrival minus its timestamp in ms.</summary>
    private static async Task<List<double>> ReadLiveDelaysAsync(HttpClient http, ReferenceServerHost node, string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(node.BaseAddress, $"workflow/executions/{id}/stream"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var openedAt = TimeProvider.System.GetUtcNow();
        var delays = new List<double>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(cancellationToken)).EnumerateAsync(cancellationToken))
        {
            var arrivedAt = TimeProvider.System.GetUtcNow();
            using var data = JsonDocument.Parse(item.Data);
            var writtenAt = DateTimeOffset.Parse(data.RootElement.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
            if (writtenAt > openedAt)
            {
                delays.Add((arrivedAt - writtenAt).TotalMilliseconds);
            }
        }

        return delays;
    }
}
