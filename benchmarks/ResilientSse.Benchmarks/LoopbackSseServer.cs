using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.Benchmarks;

/// <summary>
/// A raw socket server on a free loopback port for the CLI benchmark: any request without <c>Last-Event-ID</c> gets
/// the whole stream in one write and the connection closed; one with it gets <c>204</c> (the subscription ends);
/// <c>/workflow/executions/{id}</c> gets a running snapshot. It notes when the first stream request arrived.
/// </summary>
internal sealed class LoopbackSseServer : IAsyncDisposable
{
    private static readonly byte[] StreamHead = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n");
    private static readonly byte[] NoContent = Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _body;
    private readonly byte[] _snapshot;
    private readonly Task _accepting;
    private long _streamRequestedAt;

    public LoopbackSseServer(byte[] body, string executionId)
    {
        _body = body;
        var json = $$"""{"id":"{{executionId}}","workflowId":"bench","status":"running","startedAt":"2026-11-24T12:00:00Z","completedAt":null,"executionTime":null,"lastEventId":null,"output":null,"error":null}""";
        _snapshot = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\nConnection: close\r\n\r\n{json}");
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp of the last stream request without <c>Last-Event-ID</c>; 0 before one.</summary>
    public long StreamRequestedAt => Interlocked.Read(ref _streamRequestedAt);

    public void Reset() => Interlocked.Exchange(ref _streamRequestedAt, 0);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                var head = await ReadHeadAsync(socket);
                if (head.Contains("\r\nlast-event-id:", StringComparison.OrdinalIgnoreCase))
                {
                    await socket.SendAsync(NoContent, _stop.Token);
                }
                else if (head.StartsWith("GET /workflow/executions/", StringComparison.Ordinal) && !head.Split(' ')[1].EndsWith("/stream", StringComparison.Ordinal))
                {
                    await socket.SendAsync(_snapshot, _stop.Token);
                }
                else
                {
                    Interlocked.Exchange(ref _streamRequestedAt, Stopwatch.GetTimestamp());
                    await socket.SendAsync(StreamHead, _stop.Token);
                    await socket.SendAsync(_body, _stop.Token);
                }

                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, or the benchmark ended.
            }
        }
    }

    private async Task<string> ReadHeadAsync(Socket socket)
    {
        var buffer = new byte[8192];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
            if (read == 0)
            {
                break;
            }

            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                return text;
            }
        }

        return Encoding.ASCII.GetString(buffer, 0, length);
    }
}
