using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ResilientSse.Benchmarks;

/// <summary>A handler's connect callback that keeps every socket it opens, so that a harness can cut them all at once.</summary>
internal static class TrackedSockets
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectInto(ConcurrentQueue<Socket> sockets)
    {
        var connect = ConnectStreamInto(sockets);
        return (context, cancellationToken) => connect(context.DnsEndPoint, cancellationToken);
    }

    /// <summary>The same for <see cref="Http.Http1StreamingHandler.ConnectCallback"/>.</summary>
    public static Func<DnsEndPoint, CancellationToken, ValueTask<Stream>> ConnectStreamInto(ConcurrentQueue<Socket> sockets) =>
        async (endPoint, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endPoint, cancellationToken);
                sockets.Enqueue(socket);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
