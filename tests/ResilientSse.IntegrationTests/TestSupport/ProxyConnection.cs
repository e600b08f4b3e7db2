using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// One connection through the <see cref="FaultProxy"/>: reads the request head, then refuses the request or forwards
/// it (with <c>Connection: close</c>) and pipes the response back as the plan says. The request is always forwarded
/// whole; faults apply to the response only. Every wait is bounded.
/// </summary>
internal sealed partial class ProxyConnection
{
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LingerBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StallBound = TimeSpan.FromSeconds(30);

    private readonly FaultProxy _proxy;
    private readonly Socket _client;
    private readonly IPEndPoint _upstreamEndPoint;
    private readonly int _number;
    private readonly long _acceptedAt;
    private readonly CancellationTokenSource _clientGone = new();
    private readonly TaskCompletionSource<long> _clientLeft = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _upstream;
    private ProxyExchange? _exchange;
    private ResponseTracker? _tracker;
    private bool _pumping;
    private long? _trickleStarted;
    private TimeSpan _trickleSchedule;
    private int _ended;

    public ProxyConnection(FaultProxy proxy, Socket client, IPEndPoint upstream, int number, long acceptedAt)
    {
        _proxy = proxy;
        _client = client;
        _upstreamEndPoint = upstream;
        _number = number;
        _acceptedAt = acceptedAt;
    }

    /// <summary>The exchange, once the request head was read.</summary>
    public ProxyExchange? Exchange => Volatile.Read(ref _exchange);

    /// <summary>Whether the response is still being forwarded (or stalled).</summary>
    public bool IsOpen => Volatile.Read(ref _ended) == 0;

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            using var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            headTimeout.CancelAfter(HeadTimeout);
            var (bytes, read, headLength) = await HttpHead.ReadAsync(_client, headTimeout.Token);
            if (headLength < 0)
            {
                _proxy.NoteUnread();
                return;
            }

            var (method, target, headers) = HttpHead.ParseRequest(bytes.AsSpan(0, headLength));
            var request = _proxy.Classify(_number, method, target, HttpHead.Header(headers, "Last-Event-ID"));
            var plan = _proxy.PlanFor(request);
            var exchange = new ProxyExchange(request, plan, _acceptedAt, Stopwatch.GetTimestamp());
            Volatile.Write(ref _exchange, exchange);
            _proxy.Record(exchange);
            if (request.Endpoint == ProxyEndpoint.Stream)
            {
                await _proxy.WhileStreamsHeldAsync(stopping);
            }

            if (plan.Refusal is { } refusal)
            {
                StartPump(upstream: null);
                await RefuseAsync(exchange, refusal);
                return;
            }

            _upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                connectTimeout.CancelAfter(ConnectTimeout);
                await _upstream.ConnectAsync(_upstreamEndPoint, connectTimeout.Token);
            }

            var rewritten = HttpHead.RewriteRequest(bytes.AsSpan(0, headLength));
            await SendAllAsync(_upstream, rewritten.Concat(bytes.AsSpan(headLength, read - headLength).ToArray()).ToArray(), stopping);
            StartPump(_upstream);
            await ForwardResponseAsync(exchange, plan, stopping);
        }
        catch (Exception) when (Volatile.Read(ref _ended) != 0 || stopping.IsCancellationRequested)
        {
            // Ended by the plan, by a cut of all streams, or the proxy is stopping: the sockets were closed under the I/O.
        }
        catch (Exception ex)
        {
            // A write to a client that has just gone can fail before the pump sees the close: give the pump a moment.
            if (_pumping && await _clientLeft.Task.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : (long?)null, TaskScheduler.Default) is { } left)
            {
                TryEnd(ExchangeEnd.ClientLeft, left);
            }
            else
            {
                if (_exchange is { } exchange)
                {
                    exchange.Error = $"{ex.GetType().Name}: {ex.Message}";
                }

                TryEnd(ExchangeEnd.ProxyError, Stopwatch.GetTimestamp(), Reset);
            }
        }
        finally
        {
            await FinishAsync();
        }
    }

    /// <summary>Ends the response now, as <see cref="FaultProxy.CutAllStreams"/> does to every open stream at once.</summary>
    /// <remarks>
    /// One system call per connection (a shutdown for the clean close; a zero-linger close for the reset), so that a
    /// loop over thousands of them takes milliseconds; the server's side is dropped when the exchange finishes.
    /// </remarks>
    public bool Cut(bool reset) => TryEnd(ExchangeEnd.CutAll, Stopwatch.GetTimestamp(), reset ? ResetClientOnly : () => _client.Shutdown(SocketShutdown.Send));

    /// <summary>Resets both sides: the proxy is stopping.</summary>
    public void Abort() => TryEnd(ExchangeEnd.ProxyError, Stopwatch.GetTimestamp(), Reset);

    private async Task RefuseAsync(ProxyExchange exchange, ProxyRefusal refusal)
    {
        var body = Encoding.UTF8.GetBytes(
            $"{{\"type\":\"about:blank\",\"title\":\"Refused by the chaos proxy\",\"status\":{refusal.Status},\"detail\":\"{refusal}\"}}");
        var utcNow = TimeProvider.System.GetUtcNow();
        var now = Stopwatch.GetTimestamp();
        string header;
        TimeSpan owed;
        if (refusal.Form == RefusalForm.ServiceUnavailableDate)
        {
            // An HTTP-date has whole seconds: round up, so that the date is between Seconds and Seconds + 1 ahead.
            var ahead = utcNow.AddSeconds(refusal.Seconds);
            var date = new DateTimeOffset((ahead.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
            (header, owed) = (date.ToString("r", System.Globalization.CultureInfo.InvariantCulture), date - utcNow);
        }
        else
        {
            (header, owed) = (refusal.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(refusal.Seconds));
        }

        (exchange.Status, exchange.RefusedAt, exchange.RetryAfterHeader) = (refusal.Status, now, header);
        exchange.OwedUntil = now + (long)(owed.TotalSeconds * Stopwatch.Frequency);
        exchange.Hits |= FaultHits.Refusal;
        var reason = refusal.Status == 429 ? "Too Many Requests" : "Service Unavailable";
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {refusal.Status} {reason}\r\nContent-Type: application/problem+json\r\nRetry-After: {header}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        TryEnd(ExchangeEnd.Refused, now);
        await SendAllAsync(_client, head.Concat(body).ToArray(), CancellationToken.None);
        _client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Reads the client's side until it closes: forwards any bytes (a request body) and notes when the client left.</summary>
    private void StartPump(Socket? upstream)
    {
        _pumping = true;
        _ = PumpAsync();

        async Task PumpAsync()
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var count = await _client.ReceiveAsync(buffer, SocketFlags.None);
                    if (count == 0)
                    {
                        break;
                    }

                    if (upstream is not null)
                    {
                        try
                        {
                            await SendAllAsync(upstream, buffer.AsMemory(0, count), CancellationToken.None);
                        }
                        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                        {
                            upstream = null;
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Reset by the client, or closed by the proxy: either way the client's side is over.
            }
            finally
            {
                _clientLeft.TrySetResult(Stopwatch.GetTimestamp());
                if (_exchange is { End: ExchangeEnd.CutAll })
                {
                    // Cut with all the others while reconnects are held and timed: the clean-up (here, and the server's
                    // for the dropped request) waits until they are released, so that it does not slow the watchers down.
                    await _proxy.WhileStreamsHeldAsync(CancellationToken.None);
                }

                await _clientGone.CancelAsync();
            }
        }
    }

    /// <summary>Ends the exchange once: notes how and when, then acts on the sockets.</summary>
    private bool TryEnd(ExchangeEnd end, long at, Action? action = null)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }

        if (_exchange is { } exchange)
        {
            (exchange.End, exchange.EndedAt) = (end, at);
            if (end == ExchangeEnd.CutAll)
            {
                exchange.Hits |= FaultHits.CutAll;
            }
        }

        try
        {
            action?.Invoke();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed by the other side.
        }

        return true;
    }

    /// <summary>Whether the client's close (or reset) is already waiting on the socket, though the pump has not read it yet.</summary>
    private bool ClientHasClosed()
    {
        try
        {
            return _clientLeft.Task.IsCompleted || (_client.Poll(0, SelectMode.SelectRead) && _client.Available == 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>A reset towards the client only, one system call; the server's side is dropped when the exchange finishes.</summary>
    private void ResetClientOnly()
    {
        _client.LingerState = new LingerOption(true, 0);
        _client.Close();
    }

    /// <summary>A clean close towards the client (FIN after everything forwarded); the server's side is dropped.</summary>
    private void Close()
    {
        _upstream?.Dispose();
        _client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>A reset towards the client (RST: linger on, zero timeout); the server's side is dropped.</summary>
    private void Reset()
    {
        _upstream?.Dispose();
        _client.LingerState = new LingerOption(true, 0);
        _client.Dispose();
    }

    private async Task FinishAsync()
    {
        if (_exchange is { } exchange)
        {
            if (_tracker is { } tracker)
            {
                (exchange.CompleteEvents, exchange.RetrySeen, exchange.LastIdForwarded) = (tracker.CompleteEvents, tracker.RetrySeen, tracker.LastId);
            }

            TryEnd(ExchangeEnd.ProxyError, Stopwatch.GetTimestamp(), Reset);
            if (_pumping && exchange.End is not (ExchangeEnd.Reset or ExchangeEnd.ProxyError or ExchangeEnd.StallNeverAbandoned))
            {
                // After a FIN, wait (bounded) for the client to close too, so that closing here sends no RST.
                await _clientLeft.Task.WaitAsync(LingerBound).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        _upstream?.Dispose();
        _client.Dispose();
        _proxy.Closed(_number);
        _exchange?.Complete();
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }
}
