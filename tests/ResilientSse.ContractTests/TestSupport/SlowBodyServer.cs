using System.Collections.Concurrent;
using System.Net.Sockets;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A loopback server whose stream answers headers at once, sends one event, waits, sends another and ends; later
/// requests get 204. WireMock answers a body in one piece, so it cannot show a slow body.
/// </summary>
internal sealed class SlowBodyServer : LoopbackHttpServer
{
    private readonly TimeSpan _pause;
    private int _requests;

    public SlowBodyServer(TimeSpan pause)
    {
        _pause = pause;
        StartAccepting();
    }

    /// <summary>The head of each request received (request line and headers), decoded as UTF-8.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    protected override async Task ServeAsync(TcpClient client, NetworkStream stream, string head)
    {
        Requests.Enqueue(head);
        if (Interlocked.Increment(ref _requests) > 1)
        {
            await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), Stopping);
            return;
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: before\n\n"u8.ToArray(), Stopping);
        await Task.Delay(_pause, Stopping);
        await stream.WriteAsync("data: after\n\n"u8.ToArray(), Stopping);
    }
}
