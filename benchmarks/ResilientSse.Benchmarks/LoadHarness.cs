using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;

namespace ResilientSse.Benchmarks;

/// <summary>
/// The loopback load harness: the reference server in-process with its faults on, many concurrent watches, and
/// the figures that matter — events lost or repeated, gaps, reconnects, and the time from the server writing the
/// terminal event to the watcher yielding it.
/// <c>dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- load [watches] [stages] [all|incident] [child]</c>
/// </summary>
internal static class LoadHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var watches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        var stages = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;

        // "incident": only the seed incident — every stream cut right before its terminal event.
        var incidentOnly = args.Length > 3 && args[3] == "incident";

        // "child" (incident only): the server in a child process, so that the figures are the client's alone — its
        // allocations and collections, its threads — as in the idle and storm modes.
        var child = incidentOnly && args.Length > 4 && args[4] == "child";
        var childUrl = $"http://127.0.0.1:{IdleHarness.FreePort(IPAddress.Loopback)}";
        using var childServer = child ? await IdleServer.StartChildAsync(childUrl, "-", watches + 10, incident: true) : null;
        await using var host = child ? null : await ReferenceServerHost.StartAsync(new ReferenceServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Store = ReferenceStoreKind.Memory,
            RequestLog = false,
            RetryMilliseconds = 50,
            MaxLiveExecutions = watches + 10,
            Faults = incidentOnly
                ? new ReferenceFaultOptions { DropBeforeTerminal = true }
                : new ReferenceFaultOptions { DropProbability = 0.1, DropBeforeTerminal = true, UnavailableRate = 0.05, RetryAfterSeconds = 1, Seed = 7 },
        });
        var baseAddress = host?.BaseAddress ?? new Uri(childUrl + "/");
        var phases = new EndingPhases();
        using var http = new HttpClient(phases.CreateHandler()) { BaseAddress = baseAddress };
        var reconnects = 0;
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = baseAddress,
            OnNotice = n =>
            {
                phases.OnNotice(n);
                if (n.Kind == ExecutionWatchNoticeKind.Reconnecting)
                {
                    Interlocked.Increment(ref reconnects);
                }
            },
            Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromSeconds(1) },
        });

        async Task<List<ExecutionEvent>> WatchOneRunAsync()
        {
            string id;
            using (var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "very-long", input = new { stages, delayMs = 100 } }))
            {
                response.EnsureSuccessStatusCode();
                using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                id = snapshot.RootElement.GetProperty("id").GetString()!;
            }

            var items = new List<ExecutionEvent>();
            await foreach (var item in watcher.WatchAsync(id))
            {
                if (item.IsTerminal && item.Data.TryGetProperty("timestamp", out var written) && written.TryGetDateTimeOffset(out var at))
                {
                    phases.OnTerminal(id, at);
                }

                items.Add(item);
            }

            return items;
        }

        // One unmeasured run first: an ending latency is that of code the JIT has compiled, not of its first call
        // (the first cut of a process costs some 25 ms of compiling the reconnect path).
        await WatchOneRunAsync();
        reconnects = 0;
        phases.Clear();

        var stopwatch = Stopwatch.StartNew();
        // Each run is watched from the moment it starts. In "incident" mode the runs start 10 ms apart, so that each
        // cut is a single cut (the ending latency of one watch); started together, their cuts would be one mass cut,
        // which the reconnect governor spreads on purpose.
        var results = await Task.WhenAll(Enumerable.Range(0, watches).Select(async i =>
        {
            if (incidentOnly)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * i));
            }

            return await WatchOneRunAsync();
        }));
        stopwatch.Stop();

        var expected = (2 * stages) + 2;
        long events = 0, fromSnapshot = 0, lost = 0, repeated = 0, gaps = 0, notTerminal = 0;
        var latencies = new List<double>();
        foreach (var items in results)
        {
            var sequences = items.Where(e => e.Sequence is not null).Select(e => e.Sequence!.Value).ToList();
            events += items.Count(e => e.Kind != ExecutionEventKind.Gap);
            fromSnapshot += items.Count(e => e.Source == ExecutionEventSource.Snapshot);
            repeated += sequences.Count - sequences.Distinct().Count();
            // A terminal event built from the snapshot carries the id of the log's last one and counts as it.
            lost += expected - sequences.Distinct().Count();
            gaps += items.Count(e => e.Kind == ExecutionEventKind.Gap);
            var terminal = items[^1];
            if (!terminal.IsTerminal)
            {
                notTerminal++;
                continue;
            }

            if (terminal.Data.TryGetProperty("timestamp", out var written) && written.TryGetDateTimeOffset(out var at))
            {
                latencies.Add((terminal.ReceivedAt - at).TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine($"faults {(incidentOnly ? "incident (drop before terminal)" : "all")}, server {(child ? "in a child process" : "in-process")}, watches {watches}, stages {stages}, elapsed {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"events {events} ({fromSnapshot} built from the snapshot), lost {lost}, repeated {repeated}, gaps {gaps}, not terminal {notTerminal}, reconnects {reconnects}");
        if (latencies.Count > 0)
        {
            Console.WriteLine($"terminal written → yielded: p50 {Percentile(latencies, 0.5):0.0} ms, p95 {Percentile(latencies, 0.95):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms");
        }

        if (incidentOnly)
        {
            phases.Report(slowest: Math.Max(1, watches / 50));
        }

        return lost == 0 && repeated == 0 && notTerminal == 0 ? 0 : 1;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
