using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.Streaming;

namespace ResilientSse.Benchmarks;

/// <summary>
/// Fan-out delay: N subscribers stream one running execution of the reference server; each live event's delay is the
/// time from the server stamping it (its <c>timestamp</c>, taken just before it is stored and published) to a
/// subscriber reading it. Reported for each N side by side, p50/p95/p99/max over every (event, subscriber) pair.
/// <c>dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- fanout [1,100,1000] [stages] [--in-process]</c>
/// The server runs as its own process (as it is deployed) unless <c>--in-process</c> is given, or
/// <c>--server http://127.0.0.1:PORT/</c> names one already running (to profile it, say). With <c>--redis-nodes 3</c>
/// the harness starts a redis-server and three server processes on it; the execution runs on the first (the writer),
/// the subscribers are spread evenly over all three, and the delay through the nodes other than the writer — the
/// relay's share — is reported beside the overall one.
/// The subscribers share one process, so one garbage collection there would pause all 1,000 at once and count as the
/// server's delay for every one of them (1,000 real subscribers collect on their own): the measured events run in a
/// no-GC region of the subscribers' process, unless <c>--gc</c> is given. The line says whether a collection happened.
/// </summary>
internal static class FanOutHarness
{
    private static readonly string[] OptionsWithValues = ["--server", "--redis-nodes"];

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Skip(1).Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && !OptionsWithValues.Contains(args[i])).ToArray();
        var counts = (positional.Length > 0 ? positional[0] : "1,100,1000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var stages = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 50;
        var inProcess = args.Contains("--in-process");
        var raw = args.Contains("--raw");
        var withGc = args.Contains("--gc");
        var external = ValueOf(args, "--server");
        var redisNodes = ValueOf(args, "--redis-nodes") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 0;

        var servers = redisNodes > 0 ? $"{redisNodes} server processes on one redis-server (Redis store), the writer first" : $"server {(inProcess ? "in-process" : "in its own process")}";
        Console.WriteLine($"fan-out: {servers}, subscribers {(raw ? "reading lines (--raw)" : "SseClient")}, {stages} stages of 100 ms, load average {LoadAverage()}");
        var failed = false;
        await using var nodes = await FanOutNodes.StartAsync(inProcess, external, redisNodes);
        var addresses = nodes.Servers.Select(s => s.BaseAddress).ToList();

        // A server runs for days: its code is measured once the JIT has optimised it, not while it compiles. One
        // unreported pass with the most subscribers warms the server and the subscribers alike.
        await MeasureAsync(addresses, counts.Max(), Math.Min(stages, 20), raw, withGc);
        foreach (var count in counts)
        {
            var serverBefore = nodes.ProcessorTime;
            var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await MeasureAsync(addresses, count, stages, raw, withGc);
            var client = Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
            var serverCpu = nodes.ProcessorTime - serverBefore;
            failed |= result.Missing > 0;
            var d = result.Delays;
            var deliveries = (double)count * ((2 * stages) + 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"subscribers {count,5}: {Summary(d)}; missing {result.Missing}; CPU per delivery: server{(addresses.Count > 1 ? "s" : "")} {(serverCpu is { } s ? (s.TotalMicroseconds / deliveries).ToString("0.0", CultureInfo.InvariantCulture) + " µs" : "n/a")}, subscribers {client.TotalMicroseconds / deliveries:0.0} µs; subscribers' collections while measured: {result.Collections}"));
            if (addresses.Count > 1)
            {
                Console.WriteLine($"  through the {addresses.Count - 1} nodes other than the writer: {Summary(result.OffWriter)}");
            }
        }

        Console.WriteLine($"load average at the end {LoadAverage()}");
        return failed ? 1 : 0;
    }

    private static string? ValueOf(string[] args, string option) => args.SkipWhile(a => a != option).Skip(1).FirstOrDefault();

    private static string Summary(List<double> d) => string.Create(CultureInfo.InvariantCulture,
        $"{d.Count,7} deliveries, delay p50 {Percentile(d, 0.50),5:0} ms, p95 {Percentile(d, 0.95),5:0} ms, p99 {Percentile(d, 0.99),5:0} ms, max {(d.Count > 0 ? d[^1] : 0),5:0} ms");

    /// <summary>One execution started through the first node; subscriber i streams it from node i mod the node count.</summary>
    private static async Task<(List<double> Delays, List<double> OffWriter, long Missing, string Collections)> MeasureAsync(IReadOnlyList<Uri> nodes, int subscribers, int stages, bool raw, bool withGc)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };

        // The first stage is long enough for every subscriber to connect; the delays counted are those of the events
        // stamped after the last one connected.
        string id;
        using (var response = await http.PostAsJsonAsync(new Uri(nodes[0], "workflow/executions"), new { workflowId = "very-long", input = new { stages, delayMs = 100 } }))
        {
            response.EnsureSuccessStatusCode();
            using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            id = snapshot.RootElement.GetProperty("id").GetString()!;
        }

        var client = new SseClient(http);
        var connected = new CountdownEvent(subscribers);
        var (gcBefore, noGc) = (0, false);
        var allConnected = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var perSubscriber = await Task.WhenAll(Enumerable.Range(0, subscribers).Select(async subscriber =>
        {
            var streamUri = new Uri(nodes[subscriber % nodes.Count], $"workflow/executions/{id}/stream");
            var delays = new List<(long Id, DateTimeOffset Stamped, double Delay)>((2 * stages) + 2);
            var first = true;
            var items = raw ? ReadLinesAsync(http, streamUri) : ReadSubscriptionAsync(client, streamUri);
            await foreach (var (eventId, stamped) in items)
            {
                var now = TimeProvider.System.GetUtcNow();
                delays.Add((eventId, stamped, (now - stamped).TotalMilliseconds));
                if (first)
                {
                    first = false;
                    if (connected.Signal())
                    {
                        // Only events stamped from here on are measured; a no-GC region (after one full collection of
                        // the subscribers' start-up garbage) keeps the subscribers' own pauses out of them.
                        noGc = !withGc && GC.TryStartNoGCRegion(NoGcBudget);
                        gcBefore = GC.CollectionCount(0);
                        allConnected.TrySetResult(TimeProvider.System.GetUtcNow());
                    }
                }
            }

            return (OffWriter: subscriber % nodes.Count != 0, Delays: delays);
        }));

        var since = await allConnected.Task;
        var expected = (2 * stages) + 2;
        List<double> Counted(IEnumerable<List<(long Id, DateTimeOffset Stamped, double Delay)>> of) =>
            [.. of.SelectMany(s => s.Where(e => e.Stamped > since).Select(e => e.Delay)).Order()];
        var missing = perSubscriber.Sum(s => (long)(expected - s.Delays.Select(e => e.Id).Distinct().Count()));
        var collections = GC.CollectionCount(0) - gcBefore;
        if (noGc && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }

        var collected = withGc ? $"{collections} (--gc)" : noGc ? collections.ToString(CultureInfo.InvariantCulture) : $"{collections} (no region)";
        return (Counted(perSubscriber.Select(s => s.Delays)), Counted(perSubscriber.Where(s => s.OffWriter).Select(s => s.Delays)), missing, collected);
    }

    private static async IAsyncEnumerable<(long Id, DateTimeOffset Stamped)> ReadSubscriptionAsync(SseClient client, Uri streamUri)
    {
        await foreach (var item in client.SubscribeAsync(streamUri, static (_, data) => ReadTimestamp(data)))
        {
            yield return (long.Parse(item.EventId!, CultureInfo.InvariantCulture), item.Data);
        }
    }

    // The least a subscriber can do (one connection, lines, no resumption): what is left of the delay is the server's.
    private static async IAsyncEnumerable<(long Id, DateTimeOffset Stamped)> ReadLinesAsync(HttpClient http, Uri streamUri)
    {
        using var response = await http.GetAsync(streamUri, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        long id = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                yield return (id, ReadTimestamp(System.Text.Encoding.UTF8.GetBytes(line[6..])));
            }
        }
    }

    private static DateTimeOffset ReadTimestamp(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("timestamp"u8) && reader.Read())
            {
                return reader.GetDateTimeOffset();
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth > 0)
            {
                reader.Skip();
            }
        }

        throw new InvalidOperationException("An event without a timestamp.");
    }

    // Enough for what 1,000 subscribers allocate over 50 stages (about 300 B per event each) several times over.
    private const long NoGcBudget = 200L * 1024 * 1024;

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
