using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// A byte-for-byte TCP relay on a free loopback port in front of one upstream address: it speaks no protocol, so it
/// carries HTTP/2 as well as HTTP/1.1. It counts the connections it accepted and can cut every open one at once.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly IPEndPoint _upstream;
    private readonly ConcurrentDictionary<int, (Socket Client, Socket Server)> _open = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _accepted;

    private TcpRelay(Uri upstream)
    {
        _upstream = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture)}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the relay's address, with a trailing slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets how many connections the relay accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Gets how many relayed connections are open.</summary>
    public int Open => _open.Count;

    public static TcpRelay Start(Uri upstream) => new(upstream);

    /// <summary>Resets every open connection on both sides, as a network failure does; returns how many there were.</summary>
    public int CutAll()
    {
        var cut = 0;
        foreach (var id in _open.Keys)
        {
            if (_open.TryRemove(id, out var pair))
            {
                Reset(pair.Client);
                Reset(pair.Server);
                cut++;
            }
        }

        return cut;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        CutAll();
        await _accepting.ContinueWith(static _ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already closed
        }

        socket.Dispose();
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                return;
            }

            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptAsync(_stopping.Token);
            _ = RelayAsync(Interlocked.Increment(ref _accepted), client);
        }
    }

    private async Task RelayAsync(int id, Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_upstream);
            _open[id] = (client, server);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // cut, or the other side went away
        }
        finally
        {
            _open.TryRemove(id, out _);
            client.Dispose();
            server.Dispose();
        }
    }
}
