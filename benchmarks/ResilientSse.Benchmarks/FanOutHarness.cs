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
/// <c>--server http://127.0.0.1:PORT/</c> names one already running (to profile it, say).
/// The subscribers share one process, so one garbage collection there would pause all 1,000 at once and count as the
/// server's delay for every one of them (1,000 real subscribers collect on their own): the measured events run in a
/// no-GC region of the subscribers' process, unless <c>--gc</c> is given. The line says whether a collection happened.
/// </summary>
internal static class FanOutHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Skip(1).Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && args[i] != "--server").ToArray();
        var counts = (positional.Length > 0 ? positional[0] : "1,100,1000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var stages = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 50;
        var inProcess = args.Contains("--in-process");
        var raw = args.Contains("--raw");
        var withGc = args.Contains("--gc");
        var external = args.SkipWhile(a => a != "--server").Skip(1).FirstOrDefault();

        Console.WriteLine($"fan-out: server {(inProcess ? "in-process" : "in its own process")}, subscribers {(raw ? "reading lines (--raw)" : "SseClient")}, {stages} stages of 100 ms, load average {LoadAverage()}");
        var failed = false;
        await using var server = external is not null ? FanOutServer.External(new Uri(external)) : await FanOutServer.StartAsync(inProcess);

        // A server runs for days: its code is measured once the JIT has optimised it, not while it compiles. One
        // unreported pass with the most subscribers warms the server and the subscribers alike.
        await MeasureAsync(server.BaseAddress, counts.Max(), Math.Min(stages, 20), raw, withGc);
        foreach (var count in counts)
        {
            var serverBefore = server.ProcessorTime;
            var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await MeasureAsync(server.BaseAddress, count, stages, raw, withGc);
            var client = Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
            var serverCpu = server.ProcessorTime - serverBefore;
            failed |= result.Missing > 0;
            var d = result.Delays;
            var deliveries = (double)count * ((2 * stages) + 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"subscribers {count,5}: {d.Count,7} deliveries, delay p50 {Percentile(d, 0.50),5:0} ms, p95 {Percentile(d, 0.95),5:0} ms, p99 {Percentile(d, 0.99),5:0} ms, max {(d.Count > 0 ? d[^1] : 0),5:0} ms; missing {result.Missing}; CPU per delivery: server {(serverCpu is { } s ? (s.TotalMicroseconds / deliveries).ToString("0.0", CultureInfo.InvariantCulture) + " µs" : "n/a")}, subscribers {client.TotalMicroseconds / deliveries:0.0} µs; subscribers' collections while measured: {result.Collections}"));
        }

        return failed ? 1 : 0;
    }

    private static async Task<(List<double> Delays, long Missing, string Collections)> MeasureAsync(Uri baseAddress, int subscribers, int stages, bool raw, bool withGc)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };

        // The first stage is long enough for every subscriber to connect; the delays counted are those of the events
        // stamped after the last one connected.
        string id;
        using (var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "very-long", input = new { stages, delayMs = 100 } }))
        {
            response.EnsureSuccessStatusCode();
            using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            id = snapshot.RootElement.GetProperty("id").GetString()!;
        }

        var client = new SseClient(http);
        var streamUri = new Uri(baseAddress, $"workflow/executions/{id}/stream");
        var connected = new CountdownEvent(subscribers);
        var (gcBefore, noGc) = (0, false);
        var allConnected = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var perSubscriber = await Task.WhenAll(Enumerable.Range(0, subscribers).Select(async _ =>
        {
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

            return delays;
        }));

        var since = await allConnected.Task;
        var expected = (2 * stages) + 2;
        var counted = perSubscriber.SelectMany(s => s.Where(e => e.Stamped > since).Select(e => e.Delay)).ToList();
        counted.Sort();
        var missing = perSubscriber.Sum(s => (long)(expected - s.Select(e => e.Id).Distinct().Count()));
        var collections = GC.CollectionCount(0) - gcBefore;
        if (noGc && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }

        return (counted, missing, withGc ? $"{collections} (--gc)" : noGc ? collections.ToString(CultureInfo.InvariantCulture) : $"{collections} (no region)");
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
