using System.Collections.Concurrent;
using System.Net.Sockets;

namespace ResilientSse.Benchmarks;

/// <summary>A handler's connect callback that keeps every socket it opens, so that a harness can cut them all at once.</summary>
internal static class TrackedSockets
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectInto(ConcurrentQueue<Socket> sockets) =>
        async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
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
