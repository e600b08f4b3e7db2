using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ResilientSse.ContractTests.TestSupport;
using ResilientSse.Http;

namespace ResilientSse.ContractTests.Http;

/// <summary>The HTTP/1.1 handler over real loopback sockets, against a server that writes exact bytes step by step.</summary>
public sealed class Http1StreamingHandlerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SendAsync_ChunkedEventStream_DeliversEachEventBeforeTheNextIsSent()
    {
        using var server = new StepwiseServer();
        using var http = new HttpClient(new Http1StreamingHandler());
        var accepting = server.AcceptAsync();
        var sending = http.GetAsync(server.Address, HttpCompletionOption.ResponseHeadersRead);
        await using var connection = await accepting;
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        using var response = await sending.WaitAsync(Patience);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        await connection.WriteAsync(Chunk("id: 1\ndata: one\n\n"));
        Assert.Equal(["id: 1", "data: one", ""], await ReadLinesAsync(reader, 3));

        await connection.WriteAsync(Chunk("id: 2\ndata: two\n\n") + "0\r\n\r\n");
        Assert.Equal(["id: 2", "data: two", ""], await ReadLinesAsync(reader, 3));
        Assert.Null(await reader.ReadLineAsync().WaitAsync(Patience));
        Assert.StartsWith("GET /stream HTTP/1.1\r\nHost: 127.0.0.1:", connection.Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ConnectionCutMidChunk_BodyReadThrowsHttpIOException()
    {
        using var server = new StepwiseServer();
        using var http = new HttpClient(new Http1StreamingHandler());
        var accepting = server.AcceptAsync();
        var sending = http.GetAsync(server.Address, HttpCompletionOption.ResponseHeadersRead);
        await using var connection = await accepting;
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n20\r\ndata: only half");
        using var response = await sending.WaitAsync(Patience);
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        Assert.Equal("data: only half", Encoding.UTF8.GetString(buffer, 0, await body.ReadAsync(buffer).AsTask().WaitAsync(Patience)));

        await connection.DisposeAsync();

        var ex = await Assert.ThrowsAsync<HttpIOException>(() => body.ReadAsync(buffer).AsTask().WaitAsync(Patience));
        Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
    }

    [Fact]
    public async Task SendAsync_ConnectionClose_BodyIsReadToTheClose()
    {
        using var server = new StepwiseServer();
        using var http = new HttpClient(new Http1StreamingHandler());
        var accepting = server.AcceptAsync();
        var reading = http.GetStringAsync(server.Address);
        await using var connection = await accepting;

        await connection.WriteAsync("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nfirst part, ");
        await connection.WriteAsync("second part");
        await connection.DisposeAsync();

        Assert.Equal("first part, second part", await reading.WaitAsync(Patience));
    }

    [Fact]
    public async Task SendAsync_ResponseDisposed_ClosesTheConnection()
    {
        using var server = new StepwiseServer();
        using var http = new HttpClient(new Http1StreamingHandler());
        var accepting = server.AcceptAsync();
        var sending = http.GetAsync(server.Address, HttpCompletionOption.ResponseHeadersRead);
        await using var connection = await accepting;
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        var response = await sending.WaitAsync(Patience);

        response.Dispose();

        Assert.True(await connection.ClientClosedAsync());
    }

    [Fact]
    public async Task SendAsync_HttpsWithTheCertificateAccepted_ReadsTheResponse()
    {
        using var certificate = SelfSignedCertificate.ForLoopback();
        using var server = new StepwiseServer(certificate);
        var handler = new Http1StreamingHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() },
        };
        using var http = new HttpClient(handler);
        var accepting = server.AcceptAsync();
        var reading = http.GetStringAsync(server.Address);
        await using var connection = await accepting;

        await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunk("data: secure\n\n") + "0\r\n\r\n");

        Assert.Equal("data: secure\n\n", await reading.WaitAsync(Patience));
        Assert.StartsWith("GET /stream HTTP/1.1\r\n", connection.Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_HttpsWithASelfSignedCertificateByDefault_ThrowsSecureConnectionError()
    {
        using var certificate = SelfSignedCertificate.ForLoopback();
        using var server = new StepwiseServer(certificate);
        using var http = new HttpClient(new Http1StreamingHandler());
        var accepting = server.AcceptAsync();

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(server.Address).WaitAsync(Patience));

        Assert.Equal(HttpRequestError.SecureConnectionError, ex.HttpRequestError);
        await Assert.ThrowsAnyAsync<Exception>(() => accepting); // the server saw the handshake fail, or the connection close
    }

    [Fact]
    public async Task SendAsync_NobodyListening_ThrowsConnectionError()
    {
        using var http = new HttpClient(new Http1StreamingHandler());

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{UnusedPort()}/stream")).WaitAsync(Patience));

        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.IsType<SocketException>(ex.InnerException);
    }

    [Fact]
    public async Task SendAsync_Http2Required_ThrowsNotSupportedWithoutConnecting()
    {
        using var http = new HttpClient(new Http1StreamingHandler());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{UnusedPort()}/stream"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => http.SendAsync(request).WaitAsync(Patience));

        Assert.Contains("HTTP/1.1 only", ex.Message, StringComparison.Ordinal);
    }

    private static string Chunk(string payload)
    {
        var bytes = Encoding.UTF8.GetByteCount(payload);
        return $"{bytes:x}\r\n{payload}\r\n";
    }

    private static async Task<string[]> ReadLinesAsync(StreamReader reader, int count)
    {
        var lines = new string[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = await reader.ReadLineAsync().WaitAsync(Patience) ?? "(end of body)";
        }

        return lines;
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
