using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that answers the first request with a chunked event stream — one event, then a
/// heartbeat comment every few milliseconds, forever — and notes when the client's socket closes (a read returns 0 or
/// fails). Chunked and keep-alive like ASP.NET Core's streams, so a client that disposes the body without aborting it
/// makes <see cref="SocketsHttpHandler"/> drain it instead of closing the socket.
/// </summary>
internal sealed class HeartbeatServer : IAsyncDisposable
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<long> _clientClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _serving;

    public HeartbeatServer()
    {
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/stream");
        _serving = ServeAsync();
    }

    public Uri Address { get; }

    /// <summary>Completes with the <see cref="Stopwatch.GetTimestamp"/> at which the server saw the client's socket close.</summary>
    public Task<long> ClientClosed => _clientClosed.Task;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        var stream = client.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), _stop.Token);
        await stream.WriteAsync(Chunk("id: 1\ndata: hello\n\n"), _stop.Token);

        // The client sends nothing more: the first receive that ends is the client closing its socket. A thread of
        // its own notes the moment, whatever the thread pool is busy with.
        var watcher = new Thread(() => WatchForClose(client.Client)) { IsBackground = true, Name = "HeartbeatServer close watcher" };
        watcher.Start();
        try
        {
            while (!_clientClosed.Task.IsCompleted)
            {
                await stream.WriteAsync(Chunk(": heartbeat\n\n"), _stop.Token);
                await Task.WhenAny(_clientClosed.Task, Task.Delay(HeartbeatInterval, _stop.Token));
            }
        }
        catch (IOException)
        {
            // The client reset the connection: the watcher notes when.
        }

        await _clientClosed.Task.WaitAsync(_stop.Token);
    }

    private void WatchForClose(Socket socket)
    {
        var buffer = new byte[1];
        try
        {
            while (socket.Receive(buffer) != 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _clientClosed.TrySetResult(Stopwatch.GetTimestamp());
    }

    private static byte[] Chunk(string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        return [.. Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"), .. data, .. "\r\n"u8];
    }
}
