using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization;
using ResilientSse.Streaming;

namespace ResilientSse.Benchmarks;

/// <summary>
/// Events per second over loopback, one stream read to its end: <c>SseClient</c> against the loop people write by
/// hand (<c>HttpClient</c> + <c>SseParser</c>), as strings and as typed JSON payloads, with managed bytes allocated
/// per event. The server is a child process, so the figures are the client's alone. Each ratio is within one run.
/// <c>dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- throughput [events] [rounds]</c>
/// </summary>
internal static class ThroughputHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7;
        var (server, address) = await FixtureServer.StartAsync(events);
        try
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var client = new SseClient(http);
            using var lean = new HttpClient(new Http.Http1StreamingHandler()) { Timeout = Timeout.InfiniteTimeSpan };
            var leanClient = new SseClient(lean);
            var uri = new Uri(address, "stream");
            var modes = new (string Name, Func<Task<long>> Read)[]
            {
                ("raw HttpClient + SseParser (strings)", () => RawAsync(http, uri)),
                ("SseClient (strings)", () => ClientAsync(client, uri)),
                ("raw + JsonSerializer per string (typed)", () => RawTypedAsync(http, uri)),
                ("SseClient + SseItemParser<T> from UTF-8 (typed)", () => ClientTypedAsync(client, uri)),
                ("SseClient, Http1StreamingHandler (strings)", () => ClientAsync(leanClient, uri)),
                ("SseClient, Http1StreamingHandler (typed)", () => ClientTypedAsync(leanClient, uri)),
            };

            Console.WriteLine($"throughput: {events} events per stream, {rounds} rounds per mode (median), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            // Rounds go round-robin over the modes, so that the JIT's tiering and the machine's load fall on each alike;
            // the first round of each is a warm-up and not counted.
            var rates = modes.Select(_ => new List<double>()).ToArray();
            var allocated = new long[modes.Length];
            for (var round = 0; round <= rounds; round++)
            {
                for (var m = 0; m < modes.Length; m++)
                {
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var stopwatch = Stopwatch.StartNew();
                    var count = await modes[m].Read();
                    stopwatch.Stop();
                    if (count != events)
                    {
                        throw new InvalidOperationException($"{modes[m].Name} read {count} of {events} events.");
                    }

                    if (round > 0)
                    {
                        rates[m].Add(events / stopwatch.Elapsed.TotalSeconds);
                        allocated[m] += GC.GetTotalAllocatedBytes(precise: true) - before;
                    }
                }
            }

            var results = modes.Select((mode, m) => (mode.Name, PerSecond: rates[m].Order().ElementAt(rounds / 2), BytesPerEvent: allocated[m] / (double)(events * rounds))).ToList();
            foreach (var (name, perSecond, bytes) in results)
            {
                var baseline = name.Contains("typed", StringComparison.Ordinal) ? results[2].PerSecond : results[0].PerSecond;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-50} {perSecond,12:N0} events/s  {perSecond / baseline,5:0.00}×  {bytes,6:0} B/event"));
            }

            return 0;
        }
        finally
        {
            server.StandardInput.Close();
            if (!server.WaitForExit(5000))
            {
                server.Kill();
            }

            server.Dispose();
        }
    }

    private static async Task<long> RawAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        long count = 0;
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            count += item.Data.Length > 0 ? 1 : 0;
        }

        return count;
    }

    private static async Task<long> ClientAsync(SseClient client, Uri uri)
    {
        long count = 0;
        await foreach (var item in client.SubscribeAsync(uri))
        {
            count += item.Data.Length > 0 ? 1 : 0;
        }

        return count;
    }

    private static async Task<long> RawTypedAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        long count = 0;
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            count += JsonSerializer.Deserialize(item.Data, ThroughputJson.Default.NodeEventData)!.NodeId.Length > 0 ? 1 : 0;
        }

        return count;
    }

    private static async Task<long> ClientTypedAsync(SseClient client, Uri uri)
    {
        long count = 0;
        await foreach (var item in client.SubscribeAsync(uri, static (_, data) => JsonSerializer.Deserialize(data, ThroughputJson.Default.NodeEventData)!))
        {
            count += item.Data.NodeId.Length > 0 ? 1 : 0;
        }

        return count;
    }
}

/// <summary>The fixture's event data.</summary>
internal sealed record NodeEventData(string ExecutionId, string NodeId, DateTimeOffset Timestamp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NodeEventData))]
internal sealed partial class ThroughputJson : JsonSerializerContext;
