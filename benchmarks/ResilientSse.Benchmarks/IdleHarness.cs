using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ResilientSse.Executions;

namespace ResilientSse.Benchmarks;

/// <summary>
/// N concurrent idle watches against the reference server, which runs in a child process so that the figures are the
/// client's alone: managed memory per watch once every watch is connected and quiet, threads and CPU while idle; then
/// the runs end and every watch must end with its terminal event, none lost or repeated.
/// With <c>cut</c>, every connection is then reset at once under the idle watches, and the harness reports how long
/// they took to be connected again; the runs then end as before, and every watch must still lose nothing.
/// <c>dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- idle [watches] [http1|http2|lean] [addresses] [cut]</c>
/// (<c>lean</c>: HTTP/1.1 through <see cref="Http.Http1StreamingHandler"/> instead of <see cref="SocketsHttpHandler"/>)
/// </summary>
/// <remarks>
/// Over HTTP/1.1 each watch holds one connection, spread over <c>addresses</c> loopback addresses (127.0.0.1, .2, …) so
/// that no address pair runs out of ephemeral ports; each process then needs an open file per watch (<c>ulimit -n</c>).
/// Over HTTP/2 every watch of an address shares one connection. The watcher's snapshot check beside a quiet stream is
/// pushed past the idle window, so that the window measures streams only, not pooled snapshot connections.
/// </remarks>
internal static class IdleHarness
{
    public const string Mode = "idle";
    public const string ServerMode = "idle-server";

    private const int Stages = 1;
    private const int ExpectedEvents = (2 * Stages) + 2;

    public static Task<int> RunAsync(string[] args) => args[0] == ServerMode ? IdleServer.RunAsync(args) : RunClientAsync(args);

    private static async Task<int> RunClientAsync(string[] args)
    {
        var watches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5_000;
        var http2 = args.Length > 2 && args[2] == "http2";
        var lean = args.Length > 2 && args[2] == "lean";
        var addressCount = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Math.Max(1, (watches + 9_999) / 10_000);
        var cut = args.Length > 4 && args[4] == "cut";

        // The runs must outlast the time it takes to start them, connect every watch and measure: 2 ms per watch is ample.
        var hold = TimeSpan.FromSeconds(30 + (watches / 500));
        var urls = Enumerable.Range(1, addressCount).Select(i => $"http://127.0.0.{i}:{FreePort(IPAddress.Parse($"127.0.0.{i}"))}").ToArray();
        using var server = await IdleServer.StartChildAsync(urls, watches, http2);

        var ids = await StartRunsAsync(new Uri(urls[0]), watches, hold, http2);
        var received = new int[watches];
        var distinct = new int[watches];
        var repeated = new int[watches];
        var gaps = new int[watches];
        var ended = new bool[watches];
        var connected = 0;
        var connections = 0;
        var sockets = new ConcurrentQueue<Socket>();
        using HttpMessageHandler handler = lean
            ? new Http.Http1StreamingHandler { ConnectCallback = TrackedSockets.ConnectStreamInto(sockets) }
            : new SocketsHttpHandler { EnableMultipleHttp2Connections = false, ConnectCallback = TrackedSockets.ConnectInto(sockets) };
        using var http = new HttpClient(handler);
        var watchers = urls.Select(url => new ExecutionWatcher(http, Options(new Uri(url + "/"), http2, () => Interlocked.Increment(ref connections)))).ToArray();
        using var stop = new CancellationTokenSource();

        var baseline = SettledHeap();
        var process = Process.GetCurrentProcess();
        var stopwatch = Stopwatch.StartNew();
        var tasks = new Task[watches];
        for (var i = 0; i < watches; i++)
        {
            tasks[i] = WatchAsync(i);

            // Connects in waves, so that the listen backlog is not the subject of the measurement.
            if (i % 1_000 == 999)
            {
                await WaitUntilAsync(() => Volatile.Read(ref connected) >= i - 1_000, TimeSpan.FromSeconds(60));
            }
        }

        var allConnected = await WaitUntilAsync(() => Volatile.Read(ref connected) == watches, hold);
        var connectSeconds = stopwatch.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var heap = SettledHeap();
        var gcHeap = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
        var perWatch = (double)(heap - baseline) / watches;
        Console.WriteLine($"idle watches {watches} over {(http2 ? "HTTP/2 (h2c)" : lean ? "HTTP/1.1 (Http1StreamingHandler)" : "HTTP/1.1")}, {addressCount} address(es), all connected {allConnected} in {connectSeconds:0.0} s, {Environment.ProcessorCount} cores, pid {Environment.ProcessId}");
        Console.WriteLine($"managed memory per idle watch {perWatch / 1024:0.00} KiB (heap {heap / 1048576.0:0.0} MiB, baseline {baseline / 1048576.0:0.0} MiB, GC heap size {gcHeap / 1048576.0:0.0} MiB)");
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        process.Refresh();
        var idleCpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / window.Elapsed.TotalSeconds;
        var threads = process.Threads.Count;
        var endedEarly = ended.Count(e => e);
        Console.WriteLine($"threads {threads}, CPU while idle {idleCpu * 100:0.0} % of one core");
        if (cut)
        {
            var before = Volatile.Read(ref connections);
            var resumed = Stopwatch.StartNew();
            var reset = 0;
            while (sockets.TryDequeue(out var socket))
            {
                reset += socket.Connected ? 1 : 0;
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
            }

            var allBack = await WaitUntilAsync(() => Volatile.Read(ref connections) - before >= watches, hold);
            Console.WriteLine($"cut: {reset} connection(s) reset under {watches} watches; every watch connected again {allBack} after {resumed.Elapsed.TotalMilliseconds:0} ms");
        }


        await Task.WhenAll(tasks).WaitAsync(hold + TimeSpan.FromMinutes(2));
        var lost = distinct.Sum(d => (long)(ExpectedEvents - d));
        var notTerminal = ended.Count(e => !e);
        Console.WriteLine($"events {received.Sum()}, lost {lost}, repeated {repeated.Sum()}, gaps {gaps.Sum()}, not terminal {notTerminal}, ended before the measurement {endedEarly}, elapsed {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return allConnected && endedEarly == 0 && lost == 0 && repeated.Sum() == 0 && notTerminal == 0 ? 0 : 1;

        async Task WatchAsync(int i)
        {
            await Task.Yield();
            long next = 1;
            await foreach (var item in watchers[i % watchers.Length].WatchAsync(ids[i], stop.Token))
            {
                if (received[i]++ == 0)
                {
                    Interlocked.Increment(ref connected);
                }

                gaps[i] += item.Kind == ExecutionEventKind.Gap ? 1 : 0;
                if (item.Sequence is { } sequence)
                {
                    if (sequence < next)
                    {
                        repeated[i]++;
                    }
                    else
                    {
                        distinct[i]++;
                        next = sequence + 1;
                    }
                }

                ended[i] |= item.IsTerminal;
            }
        }
    }

    private static ExecutionWatcherOptions Options(Uri baseAddress, bool http2, Action connected) => new()
    {
        BaseAddress = baseAddress,
        OnNotice = notice =>
        {
            if (notice.Kind == ExecutionWatchNoticeKind.Connected)
            {
                connected();
            }
        },
        QuietStreamCheckInterval = TimeSpan.FromMinutes(10),
        Stream = http2
            ? new() { HttpVersion = HttpVersion.Version20, HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact }
            : new(),
    };

    /// <summary>Starts <paramref name="count"/> one-stage runs that stay quiet for <paramref name="hold"/>, with a client of their own.</summary>
    internal static async Task<string[]> StartRunsAsync(Uri server, int count, TimeSpan hold, bool http2)
    {
        var ids = new string[count];
        using var http = new HttpClient { BaseAddress = server };
        if (http2)
        {
            (http.DefaultRequestVersion, http.DefaultVersionPolicy) = (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact);
        }

        var body = new { workflowId = "very-long", input = new { stages = Stages, delayMs = (int)hold.TotalMilliseconds } };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
        {
            using var response = await http.PostAsJsonAsync("workflow/executions", body, token);
            response.EnsureSuccessStatusCode();
            using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token));
            ids[i] = snapshot.RootElement.GetProperty("id").GetString()!;
        });
        return ids;
    }

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    internal static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan bound)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > bound)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    internal static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
