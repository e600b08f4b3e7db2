using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using ResilientSse.Http.Internal;

namespace ResilientSse.Http;

/// <summary>
/// An HTTP/1.1 handler for many long-lived, mostly idle response streams: a response body that waits for data holds no
/// buffer at all. Bytes go from the socket straight into the reader's buffer (chunked framing is removed in place), and
/// a zero-byte read waits on the socket itself. An idle event stream then costs its socket, its response and the
/// reader's own state — about half of what it costs over <see cref="SocketsHttpHandler"/>, whose connections keep a
/// 4 KiB read buffer and a 4 KiB write buffer each for as long as they are open.
/// </summary>
/// <remarks>
/// <para>
/// Opt in where thousands of streams stay open over HTTP/1.1 against servers reached directly, for example
/// <c>services.AddExecutionWatcher(...).ConfigurePrimaryHttpMessageHandler(() =&gt; new Http1StreamingHandler())</c>.
/// <c>DelegatingHandler</c>s above it (authentication, logging, <c>IHttpClientFactory</c>'s handlers) work as usual.
/// </para>
/// <para>
/// A connection whose response ended cleanly (its whole body read, framed, no <c>Connection: close</c>) is kept for the
/// next request to the same origin for <see cref="PooledConnectionIdleTimeout"/>, so a watcher's snapshot reads reuse
/// connections; a stream holds its own for as long as it is open. A request that finds its pooled connection closed by
/// the server before any response is sent again once on a new connection, if its method is idempotent.
/// </para>
/// <para>
/// What it does not do, by design: no proxy (environment proxies are not used), no
/// redirects, no cookies, no decompression, none of <c>System.Net.Http</c>'s own telemetry (its metrics, activities and
/// <c>traceparent</c> header come from <see cref="SocketsHttpHandler"/>; the library's own are unchanged), no HTTP/2 or HTTP/3 (a request that insists on them fails at once with
/// <see cref="NotSupportedException"/>: no retry would change the answer). A request body is sent with a <c>Content-Length</c>, read
/// whole first. Header values are sent as UTF-8, so a <c>Last-Event-ID</c> with any characters goes out as it is; response
/// header values are read as Latin-1. For anything else use <see cref="SocketsHttpHandler"/>.
/// </para>
/// </remarks>
public sealed class Http1StreamingHandler : HttpMessageHandler
{
    private readonly Http1ConnectionPool _pool;
    private int _maxResponseHeadersLength = 64;

    /// <summary>Initializes a handler with the defaults.</summary>
    public Http1StreamingHandler()
        : this(TimeProvider.System)
    {
    }

    internal Http1StreamingHandler(TimeProvider timeProvider) => _pool = new Http1ConnectionPool(timeProvider);

    /// <summary>Gets or sets how long a connection may wait in the pool for the next request to its origin.</summary>
    /// <value>
    /// 1 minute, as <see cref="SocketsHttpHandler.PooledConnectionIdleTimeout"/>; <see cref="TimeSpan.Zero"/> keeps none,
    /// <see cref="Timeout.InfiniteTimeSpan"/> keeps them until the server closes them.
    /// </value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan PooledConnectionIdleTimeout
    {
        get => _pool.IdleTimeout;
        set
        {
            if (value != Timeout.InfiniteTimeSpan)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            }

            _pool.IdleTimeout = value;
        }
    }

    /// <summary>Gets how many idle connections the pool holds now.</summary>
    internal int PooledConnections => _pool.Count;

    /// <summary>Gets or sets the most a response's status line and headers may take, in KiB (1,024 bytes).</summary>
    /// <value>64 (64 KiB), in the unit and with the default of <see cref="SocketsHttpHandler.MaxResponseHeadersLength"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxResponseHeadersLength
    {
        get => _maxResponseHeadersLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, int.MaxValue / 1024);
            _maxResponseHeadersLength = value;
        }
    }

    /// <summary>
    /// Gets or sets the TLS options for <c>https</c> requests; <see cref="SslClientAuthenticationOptions.TargetHost"/>
    /// is each request's host, whatever is set here.
    /// </summary>
    /// <value><see langword="null"/>: the system's defaults and certificate validation.</value>
    public SslClientAuthenticationOptions? SslOptions { get; set; }

    /// <summary>
    /// Gets or sets how a connection is opened, in place of a TCP socket with <c>NoDelay</c>: the stream returned
    /// carries the request (under TLS for <c>https</c>) and is disposed with the response.
    /// </summary>
    /// <value><see langword="null"/>: a TCP connection to the request's host and port.</value>
    public Func<DnsEndPoint, CancellationToken, ValueTask<Stream>>? ConnectCallback { get; set; }

    /// <summary>
    /// Sends <paramref name="request"/> over a pooled or new connection and returns the response once its headers are
    /// read; the body is read from the connection as the caller reads it.
    /// </summary>
    /// <param name="request">The request; its content, if any, is read whole before it is sent.</param>
    /// <param name="cancellationToken">Cancels connecting, sending and waiting for the headers.</param>
    /// <returns>The response, whose disposal closes its connection or gives it back to the pool.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The request has no absolute address, or a header value holds a line break.</exception>
    /// <exception cref="NotSupportedException">The address's scheme is not <c>http</c> or <c>https</c>, or the request asks for HTTP/2 or later exactly.</exception>
    /// <exception cref="HttpRequestException">The connection failed, or the response is not valid HTTP/1.x.</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri is { IsAbsoluteUri: true } address ? address
            : throw new InvalidOperationException($"The request's address must be absolute (give the HttpClient a BaseAddress): \"{request.RequestUri}\".");
        var secure = uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp ? false
            : throw new NotSupportedException($"The '{uri.Scheme}' scheme is not supported: {nameof(Http1StreamingHandler)} speaks http and https."));
        if (request.Version.Major >= 2 && request.VersionPolicy != HttpVersionPolicy.RequestVersionOrLower)
        {
            throw new NotSupportedException(
                $"The request to {uri} asks for HTTP/{request.Version} ({request.VersionPolicy}); {nameof(Http1StreamingHandler)} speaks HTTP/1.1 only.");
        }

        var body = request.Content is { } content ? await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false) : null;
        var origin = _pool.Key(uri.GetLeftPart(UriPartial.Authority));
        var keepAlive = !request.Headers.NonValidated.TryGetValues("Connection", out var connectionHeader) || !connectionHeader.ToString().Contains("close", StringComparison.OrdinalIgnoreCase);
        var retried = false;
        while (true)
        {
            // A request sent again goes out on a new connection: the pool may hold more that the server has closed.
            var pooled = retried ? null : _pool.Rent(origin);
            var (connection, socket) = pooled ?? await ConnectAsync(uri, secure, cancellationToken).ConfigureAwait(false);
            var sent = false;
            try
            {
                await Http1RequestWriter.WriteAsync(connection, request, uri, body, cancellationToken).ConfigureAwait(false);
                sent = true;
                var reuse = keepAlive ? new Http1Reuse(_pool, origin, socket) : null;
                return await Http1ResponseReader.ReadAsync(connection, request, _maxResponseHeadersLength * 1024, reuse, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (pooled is not null && (ex is Http1NoResponseException || (!sent && ex is IOException)) && IsIdempotent(request.Method)
                && !cancellationToken.IsCancellationRequested)
            {
                // The server closed the pooled connection while it was idle, before any byte of a response: send again once.
                retried = true;
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new HttpRequestException(HttpRequestError.Unknown, $"The connection to {uri.Authority} failed while sending the request: {ex.Message}", ex);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Closes the idle connections in the pool; responses still open keep theirs until they are disposed.</summary>
    /// <param name="disposing">Whether this is a call to <see cref="HttpMessageHandler.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pool.Dispose();
        }

        base.Dispose(disposing);
    }

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Put || method == HttpMethod.Delete;

    private static Socket? SocketOf(Stream connection) => connection is NetworkStream network ? network.Socket : null;

    private async ValueTask<(Stream Connection, Socket? Socket)> ConnectAsync(Uri uri, bool secure, CancellationToken cancellationToken)
    {
        var endPoint = new DnsEndPoint(uri.HostNameType is UriHostNameType.IPv6 or UriHostNameType.IPv4 ? uri.DnsSafeHost : uri.IdnHost, uri.Port);
        Stream stream;
        try
        {
            stream = ConnectCallback is { } connect
                ? await connect(endPoint, cancellationToken).ConfigureAwait(false)
                : await ConnectSocketAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{ex.Message} ({endPoint.Host}:{endPoint.Port})", ex);
        }

        var socket = SocketOf(stream);
        if (!secure)
        {
            return (stream, socket);
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(TlsOptions(endPoint.Host), cancellationToken).ConfigureAwait(false);
            return (tls, socket);
        }
        catch (Exception ex)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw ex is OperationCanceledException ? ex
                : new HttpRequestException(HttpRequestError.SecureConnectionError, $"The TLS handshake with {endPoint.Host}:{endPoint.Port} failed: {ex.Message}", ex);
        }
    }

    private static async ValueTask<Stream> ConnectSocketAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private SslClientAuthenticationOptions TlsOptions(string host)
    {
        var configured = SslOptions;
        return new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = configured?.RemoteCertificateValidationCallback,
            LocalCertificateSelectionCallback = configured?.LocalCertificateSelectionCallback,
            ClientCertificates = configured?.ClientCertificates,
            ClientCertificateContext = configured?.ClientCertificateContext,
            EnabledSslProtocols = configured?.EnabledSslProtocols ?? default,
            CertificateRevocationCheckMode = configured?.CertificateRevocationCheckMode ?? default,
            CertificateChainPolicy = configured?.CertificateChainPolicy,
            AllowRenegotiation = configured?.AllowRenegotiation ?? true,
            AllowTlsResume = configured?.AllowTlsResume ?? true,
            CipherSuitesPolicy = configured?.CipherSuitesPolicy,
        };
    }
}
