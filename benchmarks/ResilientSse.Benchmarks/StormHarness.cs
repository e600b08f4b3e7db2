using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ResilientSse.Executions;

namespace ResilientSse.Benchmarks;

/// <summary>
/// A reconnect storm: N watches on running executions (the reference server in a child process), every connection
/// reset at once, then how the engine's <c>ReconnectGovernor</c> spreads the reconnections — stream requests per
/// 100 ms against the share the governor promises, the time until every watch is connected again — while some
/// executions end in the middle of the storm (their ending latency), and at the end zero loss and zero duplicates.
/// <c>dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- storm [watches] [endings]</c>
/// </summary>
/// <remarks>
/// The cut resets the client's sockets (linger 0), so every watch sees its delivering connection fail at the same
/// instant. <c>endings</c> executions, picked at random, are cancelled 10 ms apart from the cut on, so their terminal
/// events are written while watches are still waiting for their turn; the rest are cancelled once every watch is back.
/// </remarks>
internal static class StormHarness
{
    public const string Mode = "storm";

    /// <summary>The window the governor's promise is stated over (<c>ReconnectGovernor</c>'s admission window).</summary>
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(string[] args)
    {
        var watches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        var endings = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        var hold = TimeSpan.FromSeconds(120 + (watches / 200));
        var url = $"http://127.0.0.1:{IdleHarness.FreePort(IPAddress.Loopback)}";
        using var server = await IdleServer.StartChildAsync([url], watches, http2: false);
        var ids = await IdleHarness.StartRunsAsync(new Uri(url), watches, hold, http2: false);

        var sockets = new ConcurrentQueue<Socket>();
        var streamRequests = new ConcurrentQueue<long>();
        var connected = 0;
        var connections = 0;
        var reconnecting = 0;
        using var handler = new SocketsHttpHandler { ConnectCallback = TrackedSockets.ConnectInto(sockets) };
        using var http = new HttpClient(new RequestClock(handler, streamRequests));
        var outcomes = new WatchOutcome[watches];
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = new Uri(url + "/"),
            OnNotice = notice =>
            {
                if (notice.Kind == ExecutionWatchNoticeKind.Connected)
                {
                    Interlocked.Increment(ref connections);
                }
                else if (notice.Kind == ExecutionWatchNoticeKind.Reconnecting)
                {
                    Interlocked.Increment(ref reconnecting);
                }
            },
            QuietStreamCheckInterval = TimeSpan.FromMinutes(10),
        });

        // The executions that end during the storm: picked at random (a fixed seed), so that their watches' turns to
        // reconnect fall anywhere in the storm, before or after their terminal events are written.
        var ending = Enumerable.Range(0, watches).ToArray();
        new Random(12).Shuffle(ending);
        ending = ending[..Math.Min(endings, watches)];
        var tasks = new Task[watches];
        for (var i = 0; i < watches; i++)
        {
            tasks[i] = WatchAsync(i);
        }

        var allConnected = await IdleHarness.WaitUntilAsync(() => Volatile.Read(ref connected) == watches, TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromSeconds(1)); // the last connections' first events are read: every watch is quiet
        var before = Volatile.Read(ref connections);
        reconnecting = 0;
        streamRequests.Clear();

        // The cut: every connection reset at the same instant.
        using var canceller = new HttpClient { BaseAddress = new Uri(url + "/") };
        var cutAt = Stopwatch.GetTimestamp();
        var reset = 0;
        while (sockets.TryDequeue(out var socket))
        {
            reset += socket.Connected ? 1 : 0;
            socket.LingerState = new LingerOption(true, 0);
            socket.Dispose();
        }

        var cancelled = CancelAsync(canceller, ending.Select(i => ids[i]), TimeSpan.FromMilliseconds(10));
        long allBackAt = 0;
        var allBack = await IdleHarness.WaitUntilAsync(() =>
        {
            allBackAt = Stopwatch.GetTimestamp();
            return Volatile.Read(ref connections) - before >= watches;
        }, TimeSpan.FromMinutes(1));
        await cancelled;
        await CancelAsync(canceller, Enumerable.Range(0, watches).Except(ending).Select(i => ids[i]), TimeSpan.Zero);
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(2));

        // How the reconnections spread: stream requests after the cut, per 100 ms.
        var starts = streamRequests.Select(t => Stopwatch.GetElapsedTime(cutAt, t)).Where(t => t >= TimeSpan.Zero).Order().ToList();
        var stormStarts = starts.Take(watches).ToList();
        var perSlot = Math.Max(10, watches / 200); // ReconnectGovernor: 10 per 10 ms slot, more past 2,000 subscriptions
        var booked = perSlot * 10;
        var fixedWindows = stormStarts.GroupBy(t => (int)(t / Window)).OrderBy(g => g.Key).Select(g => (g.Key, Count: g.Count())).ToList();
        var busiest = BusiestWindow(stormStarts);
        Console.WriteLine($"storm: {watches} watches over HTTP/1.1, {reset} connections reset at once, {endings} executions ending during the storm, {Environment.ProcessorCount} cores");
        Console.WriteLine($"all connected before the cut {allConnected}; every watch connected again {allBack} after {Stopwatch.GetElapsedTime(cutAt, allBackAt).TotalMilliseconds:0} ms; reconnecting notices {reconnecting}");
        if (stormStarts.Count > 0)
        {
            Console.WriteLine($"stream requests after the cut: {stormStarts.Count}, first at {stormStarts[0].TotalMilliseconds:0} ms, last at {stormStarts[^1].TotalMilliseconds:0} ms");
            Console.WriteLine($"busiest 100 ms (sliding): {busiest} = {100.0 * busiest / watches:0.0} % of the storm; busiest fixed 100 ms window {fixedWindows.Max(w => w.Count)} = {100.0 * fixedWindows.Max(w => w.Count) / watches:0.0} %");
            Console.WriteLine($"governor: booked {booked} per 100 ms ({100.0 * booked / watches:0.0} %), admits at most {2 * booked} ({200.0 * booked / watches:0.0} %)");
            Console.WriteLine("per 100 ms from the cut: " + string.Join(' ', fixedWindows.Select(w => $"{w.Key * 100}:{w.Count}")));
        }

        var latencies = ending.Select(i => outcomes[i]).Where(o => o.Latency is not null).Select(o => o.Latency!.Value).Order().ToList();
        if (latencies.Count > 0)
        {
            Console.WriteLine($"ending during the storm ({latencies.Count}): terminal written → yielded p50 {Percentile(latencies, 0.5):0} ms, p95 {Percentile(latencies, 0.95):0} ms, max {latencies[^1]:0} ms");
        }

        var lost = outcomes.Sum(o => o.Lost);
        var repeated = outcomes.Sum(o => o.Repeated);
        var gaps = outcomes.Sum(o => o.Gaps);
        var notTerminal = outcomes.Count(o => !o.Terminal);
        Console.WriteLine($"events {outcomes.Sum(o => o.Events)}, lost {lost}, repeated {repeated}, gaps {gaps}, not terminal {notTerminal}");
        return allConnected && allBack && lost == 0 && repeated == 0 && gaps == 0 && notTerminal == 0 ? 0 : 1;

        async Task WatchAsync(int i)
        {
            await Task.Yield();
            var outcome = outcomes[i] = new WatchOutcome();
            long next = 1;
            await foreach (var item in watcher.WatchAsync(ids[i]))
            {
                if (outcome.Events++ == 0)
                {
                    Interlocked.Increment(ref connected);
                }

                outcome.Gaps += item.Kind == ExecutionEventKind.Gap ? 1 : 0;
                if (item.Sequence is { } sequence)
                {
                    outcome.Repeated += sequence < next ? 1 : 0;
                    outcome.Lost += sequence > next ? (int)(sequence - next) : 0;
                    next = Math.Max(next, sequence + 1);
                }

                if (item.IsTerminal)
                {
                    outcome.Terminal = true;
                    if (item.Data.TryGetProperty("timestamp", out var written) && written.TryGetDateTimeOffset(out var at))
                    {
                        outcome.Latency = (item.ReceivedAt - at).TotalMilliseconds;
                    }
                }
            }
        }
    }

    /// <summary>Cancels the executions <paramref name="ids"/>, <paramref name="spacing"/> apart (all at once, 32 in flight, when zero).</summary>
    private static async Task CancelAsync(HttpClient http, IEnumerable<string> ids, TimeSpan spacing)
    {
        if (spacing == TimeSpan.Zero)
        {
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, token) =>
            {
                using var response = await http.PostAsync($"workflow/executions/{Uri.EscapeDataString(id)}/cancel", null, token);
            });
            return;
        }

        var sent = new List<Task>();
        var started = Stopwatch.GetTimestamp();
        var n = 0;
        foreach (var id in ids)
        {
            var due = spacing * n++;
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sent.Add(http.PostAsync($"workflow/executions/{Uri.EscapeDataString(id)}/cancel", null).ContinueWith(t => t.Result.Dispose(), TaskScheduler.Default));
        }

        await Task.WhenAll(sent);
    }

    /// <summary>The most requests that started within any 100 ms (a window sliding over the sorted start times).</summary>
    private static int BusiestWindow(List<TimeSpan> sorted)
    {
        var busiest = 0;
        for (int first = 0, last = 0; last < sorted.Count; last++)
        {
            while (sorted[last] - sorted[first] >= Window)
            {
                first++;
            }

            busiest = Math.Max(busiest, last - first + 1);
        }

        return busiest;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    /// <summary>What one watch saw.</summary>
    private sealed class WatchOutcome
    {
        public int Events { get; set; }

        public int Lost { get; set; }

        public int Repeated { get; set; }

        public int Gaps { get; set; }

        public bool Terminal { get; set; }

        public double? Latency { get; set; }
    }

    /// <summary>Notes when each stream request goes out (after the governor admitted it): the storm's spread.</summary>
    private sealed class RequestClock(HttpMessageHandler inner, ConcurrentQueue<long> streamRequests) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/stream", StringComparison.Ordinal) == true)
            {
                streamRequests.Enqueue(Stopwatch.GetTimestamp());
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
