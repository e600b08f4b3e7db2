using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ResilientSse.Executions;
using ResilientSse.Streaming;

namespace ResilientSse.Benchmarks;

/// <summary>
/// Events per second through the watcher over HTTP/1.1 (through <see cref="SocketsHttpHandler"/> and through
/// <see cref="Http.Http1StreamingHandler"/>) and over HTTP/2 (h2c), side by side against one reference
/// server in a child process: N finished runs of S stages each are watched at once, so every event is read back from
/// the log as fast as the transport and the client go. Rounds alternate the protocols; each watch must read every
/// event once and end with the terminal one.
/// <c>dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- protocols [watches] [stages] [rounds]</c>
/// </summary>
internal static class ProtocolHarness
{
    public const string Mode = "protocols";

    public static async Task<int> RunAsync(string[] args)
    {
        var watches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var stages = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500;
        var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
        var http1 = new Uri($"http://127.0.0.1:{FreePort()}/");
        var http2 = new Uri($"http://127.0.0.1:{FreePort()}/");
        using var server = await IdleServer.StartChildAsync(http1.AbsoluteUri.TrimEnd('/'), http2.AbsoluteUri.TrimEnd('/'), watches + 10);
        var ids = await StartAndFinishRunsAsync(http1, watches, stages);
        var expected = (2 * stages) + 2;

        var failures = 0;
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var transport in new[] { "HTTP/1.1", "HTTP/1.1 lean", "HTTP/2" })
            {
                var overHttp2 = transport == "HTTP/2";
                var (events, seconds, whole) = await WatchAllAsync(overHttp2 ? http2 : http1, transport, ids, expected);
                failures += whole ? 0 : 1;
                Console.WriteLine($"round {round} {transport,-13}: {watches} watches x {expected} events, {events / seconds:0} events/s ({seconds:0.00} s), every watch whole {whole}");
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static async Task<(long Events, double Seconds, bool Whole)> WatchAllAsync(Uri server, string transport, string[] ids, int expected)
    {
        var http2 = transport == "HTTP/2";
        using HttpMessageHandler handler = transport == "HTTP/1.1 lean"
            ? new Http.Http1StreamingHandler()
            : new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        using var http = new HttpClient(handler);
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = server,
            Stream = http2 ? new SseClientOptions { HttpVersion = HttpVersion.Version20, HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact } : new SseClientOptions(),
        });
        var stopwatch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(ids.Select(async id =>
        {
            long next = 1;
            var ok = true;
            await foreach (var item in watcher.WatchAsync(id))
            {
                ok &= item.Sequence == next++;
            }

            return (Count: next - 1, Ok: ok && next - 1 == expected);
        }));
        stopwatch.Stop();
        return (counts.Sum(c => c.Count), stopwatch.Elapsed.TotalSeconds, counts.All(c => c.Ok));
    }

    /// <summary>Starts the runs with no delay between stages and waits until each has ended.</summary>
    private static async Task<string[]> StartAndFinishRunsAsync(Uri server, int count, int stages)
    {
        using var http = new HttpClient { BaseAddress = server };
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            using var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "very-long", input = new { stages, delayMs = 0 } }, token);
            response.EnsureSuccessStatusCode();
            using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token));
            ids[i] = snapshot.RootElement.GetProperty("id").GetString()!;
            while (true)
            {
                using var state = JsonDocument.Parse(await http.GetStringAsync($"workflow/executions/{ids[i]}", token));
                if (state.RootElement.GetProperty("status").GetString() != "running")
                {
                    break;
                }

                await Task.Delay(50, token);
            }
        });
        return ids;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
