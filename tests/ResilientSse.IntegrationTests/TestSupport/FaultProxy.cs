using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// A fault-injecting TCP proxy on a free loopback port, between a client's HttpClient and one upstream server. Each
/// connection carries one request (rewritten to <c>Connection: close</c>); a planner, called once per request, decides
/// from a seed what happens to it: a refusal (<c>503</c>/<c>429</c> with <c>Retry-After</c>), or forwarding with a
/// delayed first byte, a trickle, and an early end (clean close, reset, stall). Everything is logged per exchange.
/// </summary>
/// <remarks>
/// <code>
/// await using var proxy = FaultProxy.Start(server.BaseAddress, request => request.Endpoint == ProxyEndpoint.Stream ? plan : FaultPlan.PassThrough);
/// </code>
/// </remarks>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _upstream;
    private readonly Func<ProxyRequest, FaultPlan> _planner;
    private readonly ConcurrentQueue<ProxyExchange> _log = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ProxyExchange>> _byExecution = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, ProxyEndpoint), int> _indexes = new();
    private readonly ConcurrentDictionary<int, (ProxyConnection Connection, Task Running)> _open = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _accepting;
    private int _connections;
    private int _unread;
    private TaskCompletionSource? _hold;

    private FaultProxy(Uri upstream, Func<ProxyRequest, FaultPlan> planner)
    {
        _upstream = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        _planner = planner;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4096);
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        StartedAt = Stopwatch.GetTimestamp();
        _accepting = new Thread(Accept) { IsBackground = true, Name = "FaultProxy accept" };
        _accepting.Start();
    }

    /// <summary>The proxy's address, with a trailing slash.</summary>
    public Uri BaseAddress { get; }

    public long StartedAt { get; }

    /// <summary>
    /// Connections the client closed before its request head was read: requests the log cannot attribute. More than a
    /// few means the machine was too busy for the proxy to keep up (the client gave up waiting for its headers).
    /// </summary>
    public int UnreadConnections => Volatile.Read(ref _unread);

    /// <summary>Every exchange so far, in the order their requests were read.</summary>
    public IReadOnlyList<ProxyExchange> Exchanges => [.. _log];

    /// <summary>Starts a proxy to <paramref name="upstream"/>; without a planner, everything passes through.</summary>
    public static FaultProxy Start(Uri upstream, Func<ProxyRequest, FaultPlan>? planner = null) => new(upstream, planner ?? (_ => FaultPlan.PassThrough));

    /// <summary>The exchanges of one execution (both endpoints), in the order their connections were accepted.</summary>
    public IReadOnlyList<ProxyExchange> ExchangesOf(string executionId) =>
        _byExecution.TryGetValue(executionId, out var exchanges) ? [.. exchanges.OrderBy(e => e.AcceptedAt)] : [];

    /// <summary>Stream responses being forwarded right now (head forwarded, not ended), that match <paramref name="filter"/>.</summary>
    public int OpenStreams(Func<ProxyExchange, bool>? filter = null) => _open.Values.Count(o =>
        o.Connection.IsOpen && o.Connection.Exchange is { Request.Endpoint: ProxyEndpoint.Stream, EstablishedAt: not null } exchange && (filter?.Invoke(exchange) ?? true));

    /// <summary>
    /// Ends every open stream response at once (a reset, or a clean close), as a proxy restart does: the sockets are
    /// closed in one tight loop, with no await in between. Returns how many were cut.
    /// </summary>
    public int CutAllStreams(bool reset)
    {
        var open = _open.Values.Select(o => o.Connection).Where(c => c.Exchange is { Request.Endpoint: ProxyEndpoint.Stream, EstablishedAt: not null }).ToList();
        var cut = 0;
        foreach (var connection in open)
        {
            if (connection.Cut(reset))
            {
                cut++;
            }
        }

        return cut;
    }

    /// <summary>
    /// From now on, stream requests are read and logged (their time is the accept time) but not forwarded until
    /// <see cref="ReleaseStreams"/> (or 30 s): the server's work for the requests that came first stays out of the
    /// time the later ones are measured in.
    /// </summary>
    public void HoldStreams() => Interlocked.CompareExchange(ref _hold, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Forwards the stream requests held since <see cref="HoldStreams"/>, and the next ones at once.</summary>
    public void ReleaseStreams() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        _accepting.Join(TimeSpan.FromSeconds(10));
        foreach (var (connection, _) in _open.Values)
        {
            connection.Abort();
        }

        await Task.WhenAll(_open.Values.Select(o => o.Running)).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    internal ProxyRequest Classify(int connection, string method, string target, string? lastEventId)
    {
        // /workflow/executions/{id} is the snapshot, /workflow/executions/{id}/stream the stream (CONTRACT §1).
        var path = target.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var (endpoint, executionId) = path switch
        {
            ["workflow", "executions", var id] when method == "GET" => (ProxyEndpoint.Snapshot, Uri.UnescapeDataString(id)),
            ["workflow", "executions", var id, "stream"] => (ProxyEndpoint.Stream, Uri.UnescapeDataString(id)),
            _ => (ProxyEndpoint.Other, (string?)null),
        };
        var index = _indexes.AddOrUpdate((executionId ?? target, endpoint), 0, (_, last) => last + 1);
        return new ProxyRequest(connection, method, target, lastEventId, endpoint, executionId, index);
    }

    internal FaultPlan PlanFor(ProxyRequest request) => _planner(request);

    internal void Record(ProxyExchange exchange)
    {
        _log.Enqueue(exchange);
        if (exchange.Request.ExecutionId is { } id)
        {
            _byExecution.GetOrAdd(id, _ => new ConcurrentQueue<ProxyExchange>()).Enqueue(exchange);
        }
    }

    internal async Task WhileStreamsHeldAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _hold) is { } hold)
        {
            await hold.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    internal void NoteUnread() => Interlocked.Increment(ref _unread);

    internal void Closed(int connection) => _open.TryRemove(connection, out _);

    /// <summary>
    /// Accepts on a thread of its own, with blocking calls: the accept time is the reconnect time the storm test
    /// measures, and it must not wait for a thread-pool thread when thousands of clients come back at once.
    /// </summary>
    private void Accept()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset while queued, or out of descriptors for a moment: the next one may do.
                continue;
            }

            var acceptedAt = Stopwatch.GetTimestamp();
            var number = Interlocked.Increment(ref _connections);
            client.NoDelay = true;
            var connection = new ProxyConnection(this, client, _upstream, number, acceptedAt);
            var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _open[number] = (connection, running.Task);
            _ = Task.Run(async () =>
            {
                try
                {
                    await connection.RunAsync(_stopping.Token);
                }
                finally
                {
                    running.TrySetResult();
                }
            });
        }
    }
}
