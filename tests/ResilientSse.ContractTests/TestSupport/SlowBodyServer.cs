using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 whose stream answers headers at once, sends one event, waits, sends another
/// and ends; later requests get 204. WireMock answers a body in one piece, so it cannot show a slow body.
/// </summary>
internal sealed class SlowBodyServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly TimeSpan _pause;
    private int _requests;

    public SlowBodyServer(TimeSpan pause)
    {
        _pause = pause;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/stream");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>The head of each request received (request line and headers), decoded as UTF-8.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                request.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            Requests.Enqueue(request.ToString());
            if (Interlocked.Increment(ref _requests) > 1)
            {
                await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                return;
            }

            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: before\n\n"u8.ToArray(), _stop.Token);
            await Task.Delay(_pause, _stop.Token);
            await stream.WriteAsync("data: after\n\n"u8.ToArray(), _stop.Token);
        }
    }
}
