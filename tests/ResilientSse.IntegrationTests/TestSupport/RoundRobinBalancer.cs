using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// A TCP load balancer on a free loopback port in front of several nodes, one request per connection. A request that
/// names its client in <see cref="ClientHeader"/> goes to the node after the one that client's previous request to the
/// same path went to, so every reconnect of a stream lands on another node; first requests and others go round-robin.
/// A node that is gone (refused) costs the client that request only. With <see cref="StreamCuts"/>, stream responses
/// are cut at random points: after a random number of their bytes, inside the head, an event or a line. Every routing
/// is recorded.
/// </summary>
internal sealed class RoundRobinBalancer : IAsyncDisposable
{
    public const string ClientHeader = "X-Balancer-Client";

    private readonly IReadOnlyList<Uri> _nodes;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<(string Client, string Path), int> _lastNode = new();
    private readonly ConcurrentDictionary<Task, bool> _open = new();
    private readonly Task _accepting;
    private readonly StreamCuts? _cuts;
    private int _next = -1;
    private int _cut;

    private RoundRobinBalancer(IReadOnlyList<Uri> nodes, StreamCuts? cuts)
    {
        _nodes = nodes;
        _cuts = cuts;
        _listener.Start(1024);
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets each routed request: the client it named (or null), the node index, and the request line.</summary>
    public ConcurrentQueue<(string? Client, int Node, string RequestLine)> Routed { get; } = new();

    /// <summary>Gets how many stream responses were cut by <see cref="StreamCuts"/>.</summary>
    public int Cut => Volatile.Read(ref _cut);

    public static RoundRobinBalancer Start(IReadOnlyList<Uri> nodes, StreamCuts? cuts = null) => new(nodes, cuts);

    /// <summary>A client's handler that names it in every request, one request per connection (each is routed anew).</summary>
    public static HttpMessageHandler Naming(string client) => new NamingHandler(client) { InnerHandler = new SocketsHttpHandler() };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_open.Keys);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                var handling = HandleAsync(client);
                _open.TryAdd(handling, true);
                _ = handling.ContinueWith(t => _open.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                var downstream = client.GetStream();
                var head = await ReadHeadAsync(downstream);
                var text = Encoding.ASCII.GetString(head);
                var name = text.Split("\r\n").FirstOrDefault(l => l.StartsWith(ClientHeader + ":", StringComparison.OrdinalIgnoreCase))?[(ClientHeader.Length + 1)..].Trim();
                var requestLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
                var path = requestLine.Split(' ', 3) is [_, var target, ..] ? target.Split('?')[0] : requestLine;
                var node = name is null
                    ? NextNode()
                    : _lastNode.AddOrUpdate((name, path), _ => NextNode(), (_, last) => (last + 1) % _nodes.Count);
                Routed.Enqueue((name, node, requestLine));
                await upstream.ConnectAsync(IPAddress.Loopback, _nodes[node].Port, _stopping.Token);
                var upstreamStream = upstream.GetStream();
                await upstreamStream.WriteAsync(head, _stopping.Token);

                // Whichever side ends first ends the exchange: a dropped stream reaches the client as a closed connection.
                var up = downstream.CopyToAsync(upstreamStream, _stopping.Token);
                var down = _cuts?.Draw(path) is { } budget
                    ? CopyThenCutAsync(upstreamStream, downstream, budget)
                    : upstreamStream.CopyToAsync(downstream, _stopping.Token);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A side went away, or the balancer is stopping.
            }
        }
    }

    private int NextNode() => (int)((uint)Interlocked.Increment(ref _next) % (uint)_nodes.Count);

    /// <summary>Forwards the first <paramref name="budget"/> bytes of the response, then ends it (the caller closes both sides).</summary>
    private async Task CopyThenCutAsync(NetworkStream from, NetworkStream to, int budget)
    {
        var buffer = new byte[4096];
        while (budget > 0)
        {
            var read = await from.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, budget)), _stopping.Token);
            if (read == 0)
            {
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            budget -= read;
        }

        Interlocked.Increment(ref _cut);
    }

    /// <summary>Reads up to the end of the request head, and whatever came with it (bounded: 16 KiB, 30 s).</summary>
    private async Task<byte[]> ReadHeadAsync(NetworkStream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token);
            if (read == 0)
            {
                throw new IOException("The client closed before the end of its request head.");
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                return buffer[..length];
            }
        }

        throw new IOException("The request head is larger than 16 KiB.");
    }

    /// <summary>Names the client to the balancer, one request per connection.</summary>
    private sealed class NamingHandler(string client) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add(ClientHeader, client);
            request.Headers.ConnectionClose = true;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
