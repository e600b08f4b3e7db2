using System.Net;
using System.Text;
using ResilientSse.Http;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Http;

/// <summary>The handler's own decisions — guards, connection, errors, clean-up — over a scripted connection (no sockets).</summary>
public sealed class Http1StreamingHandlerTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 11\r\n\r\ndata: one\n\n";

    private readonly List<DnsEndPoint> _endPoints = [];

    [Fact]
    public async Task SendAsync_Get_WritesTheRequestToTheConnectionAndReadsTheResponse()
    {
        var connection = Connection(Ok);
        using var invoker = Invoker(connection);

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://example.test:8080/stream?x=1"), CancellationToken.None);

        Assert.Equal(new DnsEndPoint("example.test", 8080), Assert.Single(_endPoints));
        Assert.Equal("GET /stream?x=1 HTTP/1.1\r\nHost: example.test:8080\r\n\r\n", Encoding.UTF8.GetString(connection.Written));
        Assert.Equal("data: one\n\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_PostWithContent_SendsTheBodyWithItsLength()
    {
        var connection = Connection(Ok);
        using var invoker = Invoker(connection);

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://h.test/runs") { Content = new ByteArrayContent("abc"u8.ToArray()) }, CancellationToken.None);

        Assert.Equal("POST /runs HTTP/1.1\r\nHost: h.test\r\nContent-Length: 3\r\n\r\nabc", Encoding.UTF8.GetString(connection.Written));
    }

    [Fact]
    public async Task SendAsync_RelativeAddress_ThrowsInvalidOperationExceptionWithoutConnecting()
    {
        using var invoker = Invoker(Connection(Ok));

        await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/stream"), CancellationToken.None));

        Assert.Empty(_endPoints);
    }

    [Fact]
    public async Task SendAsync_OtherScheme_ThrowsNotSupportedExceptionWithoutConnecting()
    {
        using var invoker = Invoker(Connection(Ok));

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ftp://h.test/stream"), CancellationToken.None));

        Assert.Contains("'ftp'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_endPoints);
    }

    [Theory]
    [InlineData(HttpVersionPolicy.RequestVersionExact)]
    [InlineData(HttpVersionPolicy.RequestVersionOrHigher)]
    public async Task SendAsync_Http2Insisted_ThrowsNotSupportedWithoutConnecting(HttpVersionPolicy policy)
    {
        using var invoker = Invoker(Connection(Ok));
        var request = new HttpRequestMessage(HttpMethod.Get, "http://h.test/stream") { Version = HttpVersion.Version20, VersionPolicy = policy };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Contains("HTTP/1.1 only", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_endPoints);
    }

    [Fact]
    public async Task SendAsync_Http2OrLower_SpeaksHttp11()
    {
        var connection = Connection(Ok);
        using var invoker = Invoker(connection);
        var request = new HttpRequestMessage(HttpMethod.Get, "http://h.test/stream") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.StartsWith("GET /stream HTTP/1.1\r\n", Encoding.UTF8.GetString(connection.Written), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ConnectFailsWithIOException_ThrowsConnectionError()
    {
        using var invoker = new HttpMessageInvoker(new Http1StreamingHandler { ConnectCallback = (_, _) => throw new IOException("refused") });

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h.test/stream"), CancellationToken.None));

        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.Contains("h.test:80", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_InvalidResponse_ThrowsAndDisposesTheConnection()
    {
        var connection = Connection("HTTP/1.1 200 OK\r\nbad header\r\n\r\n");
        using var invoker = Invoker(connection);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h.test/stream"), CancellationToken.None));

        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
        Assert.True(connection.Disposed);
    }

    [Fact]
    public async Task SendAsync_ConnectionFailsWhileReadingHeaders_ThrowsHttpRequestExceptionAndDisposesTheConnection()
    {
        var failure = new IOException("Connection reset by peer");
        var connection = new ScriptedConnectionStream([Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n")], oneBytePerRead: false) { FailWhenDone = failure };
        using var invoker = Invoker(connection);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h.test/stream"), CancellationToken.None));

        Assert.Same(failure, ex.InnerException);
        Assert.True(connection.Disposed);
    }

    [Fact]
    public async Task SendAsync_HeaderValueWithLineBreak_ThrowsInvalidOperationExceptionAndDisposesTheConnection()
    {
        var connection = Connection(Ok);
        using var invoker = Invoker(connection);
        var request = new HttpRequestMessage(HttpMethod.Get, "http://h.test/stream");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "7\r\nInjected: 1");

        await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Empty(connection.Written);
        Assert.True(connection.Disposed);
    }

    [Fact]
    public async Task SendAsync_MaxResponseHeadersLength_AppliesToTheResponse()
    {
        var connection = Connection("HTTP/1.1 200 OK\r\nX-Long: " + new string('x', 1100) + "\r\n\r\n");
        using var invoker = Invoker(connection, maxResponseHeadersLength: 1); // KiB

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h.test/stream"), CancellationToken.None));

        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded, ex.HttpRequestError);
        Assert.True(connection.Disposed);
    }

    [Fact]
    public void MaxResponseHeadersLength_InKiBLikeSocketsHttpHandler_DefaultsTo64AndRefusesLessThan1()
    {
        using var handler = new Http1StreamingHandler();
        using var sockets = new SocketsHttpHandler();

        Assert.Equal(sockets.MaxResponseHeadersLength, handler.MaxResponseHeadersLength);
        Assert.Equal(64, handler.MaxResponseHeadersLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => handler.MaxResponseHeadersLength = 0);
        handler.MaxResponseHeadersLength = 1;
        Assert.Equal(1, handler.MaxResponseHeadersLength);
    }

    [Fact]
    public async Task Dispose_Response_DisposesTheConnection()
    {
        var connection = Connection("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        using var invoker = Invoker(connection);
        var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h.test/stream"), CancellationToken.None);
        Assert.False(connection.Disposed);

        response.Dispose();

        Assert.True(connection.Disposed);
    }

    private static ScriptedConnectionStream Connection(string response) => new([Encoding.UTF8.GetBytes(response)], oneBytePerRead: false);

    private HttpMessageInvoker Invoker(Stream connection, int maxResponseHeadersLength = 64) => new(new Http1StreamingHandler
    {
        MaxResponseHeadersLength = maxResponseHeadersLength,
        ConnectCallback = (endPoint, _) =>
        {
            _endPoints.Add(endPoint);
            return ValueTask.FromResult(connection);
        },
    });
}
