using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that answers the first request with a chunked event stream — one event, then a
/// heartbeat comment every few milliseconds, forever — and notes when the client's socket closes (a read returns 0 or
/// fails). Chunked and keep-alive like ASP.NET Core's streams, so a client that disposes the body without aborting it
/// makes <see cref="SocketsHttpHandler"/> drain it instead of closing the socket.
/// </summary>
internal sealed class HeartbeatServer : LoopbackHttpServer
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(10);

    private readonly TaskCompletionSource<long> _clientClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeartbeatServer() => StartAccepting();

    /// <summary>Completes with the <see cref="Stopwatch.GetTimestamp"/> at which the server saw the client's socket close.</summary>
    public Task<long> ClientClosed => _clientClosed.Task;

    protected override async Task ServeAsync(TcpClient client, NetworkStream stream, string head)
    {
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), Stopping);
        await stream.WriteAsync(Chunk("id: 1\ndata: hello\n\n"), Stopping);

        // The client sends nothing more: the first receive that ends is the client closing its socket. A thread of
        // its own notes the moment, whatever the thread pool is busy with.
        var watcher = new Thread(() => WatchForClose(client.Client)) { IsBackground = true, Name = "HeartbeatServer close watcher" };
        watcher.Start();
        try
        {
            while (!_clientClosed.Task.IsCompleted)
            {
                await stream.WriteAsync(Chunk(": heartbeat\n\n"), Stopping);
                await Task.WhenAny(_clientClosed.Task, Task.Delay(HeartbeatInterval, Stopping));
            }
        }
        catch (IOException)
        {
            // The client reset the connection: the watcher notes when.
        }

        await _clientClosed.Task.WaitAsync(Stopping);
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
