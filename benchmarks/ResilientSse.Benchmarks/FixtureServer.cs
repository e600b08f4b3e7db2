using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.Benchmarks;

/// <summary>
/// A loopback server that sends the benchmark fixture as fast as the socket takes it: each request without
/// <c>Last-Event-ID</c> gets the whole stream and then the connection closes; one with it gets <c>204</c> (the end, for
/// a resuming client). It runs as a child process of the harness (<c>serve-fixture [events]</c>), so the harness's
/// own CPU and allocation figures are the client's alone.
/// </summary>
internal static class FixtureServer
{
    private static readonly byte[] StreamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"u8.ToArray();
    private static readonly byte[] NoContent = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8.ToArray();

    /// <summary>Serves until stdin closes; prints its address first.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var body = EventStreamFixture.Create(events);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(512);
        Console.WriteLine($"fixture server listening on http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        using var stop = new CancellationTokenSource();
        _ = Task.Run(async () => { await Console.In.ReadToEndAsync(); await stop.CancelAsync(); });
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(stop.Token);
                _ = Task.Run(() => AnswerAsync(socket, body));
            }
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    private static async Task AnswerAsync(Socket socket, byte[] body)
    {
        using (socket)
        {
            socket.NoDelay = true;
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await socket.ReceiveAsync(buffer);
                if (read == 0)
                {
                    return;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var resuming = head.ToString().Contains("\nLast-Event-ID:", StringComparison.OrdinalIgnoreCase);
            await socket.SendAsync(resuming ? NoContent : StreamHead);
            if (!resuming)
            {
                for (var offset = 0; offset < body.Length; offset += 64 * 1024)
                {
                    await socket.SendAsync(body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset)));
                }
            }

            socket.Shutdown(SocketShutdown.Both);
        }
    }

    /// <summary>Starts the server as a child process of this harness and returns it with its address.</summary>
    public static async Task<(Process Process, Uri Address)> StartAsync(int events)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardInput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FixtureServer).Assembly.Location);
        }

        start.ArgumentList.Add("serve-fixture");
        start.ArgumentList.Add(events.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("The fixture server did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The fixture server exited.");
        return (process, new Uri(line[(line.LastIndexOf(' ') + 1)..]));
    }
}
