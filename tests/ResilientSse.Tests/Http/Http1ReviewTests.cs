using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using ResilientSse.Http;
using ResilientSse.Http.Internal;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Http;

/// <summary>
/// Reuse and retry rules found wanting in review: a body whose framing broke never gives its connection back, a request is
/// sent again once at most and only before any byte of a response, and chunk sizes have a length limit.
/// </summary>
public sealed class Http1ReviewTests
{
    private const string Origin = "http://h.test";

    [Fact]
    public async Task Body_ReadAgainAfterInvalidChunkFraming_DoesNotGiveTheConnectionBack()
    {
        using var pool = new Http1ConnectionPool(new FakeTimeProvider());
        var connection = new ScriptedConnectionStream(
            [Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), Encoding.ASCII.GetBytes("5\r\nhello\r\nZ"), Encoding.ASCII.GetBytes("0\r\n\r\n")],
            oneBytePerRead: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + "/");

        using (var message = await Http1ResponseReader.ReadAsync(connection, request, 4096, new Http1Reuse(pool, Origin, null), CancellationToken.None))
        {
            var body = await message.Content.ReadAsStreamAsync();
            await Assert.ThrowsAsync<HttpIOException>(async () => _ = await body.ReadAsync(new byte[64]));
            try
            {
                _ = await body.ReadAsync(new byte[64]); // a caller that tries once more
            }
            catch (HttpIOException)
            {
            }
        }

        // The framing was broken: the connection is out of step and must not carry another request.
        Assert.Null(pool.Rent(Origin));
        Assert.True(connection.Disposed);
    }

    [Fact]
    public void Decode_EndlessChunkSizeDigits_AreRefusedLikeAnEndlessExtension()
    {
        var decoder = new ChunkedDecoder();
        var zeros = Enumerable.Repeat((byte)'0', ChunkedDecoder.MaxFramingLineLength + 1).ToArray();

        var ex = Record.Exception(() => decoder.Decode(zeros));

        Assert.IsType<HttpIOException>(ex);
    }

    [Fact]
    public async Task SendAsync_PooledConnectionFailsAfterPartOfTheHeaders_IsNotSentAgain()
    {
        var first = new ScriptedConnectionStream(
            [Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n")],
            oneBytePerRead: false) { FailWhenDone = new IOException("Connection reset by peer") };
        var second = new ScriptedConnectionStream([Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")], oneBytePerRead: false);
        var connects = 0;
        using var invoker = new HttpMessageInvoker(new Http1StreamingHandler
        {
            ConnectCallback = (_, _) => ValueTask.FromResult<Stream>(++connects == 1 ? first : second),
        });
        (await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Origin + "/a"), CancellationToken.None)).Dispose();

        // Documented: sent again only when the pooled connection closed "before any response".
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Origin + "/b"), CancellationToken.None));
        Assert.Equal(1, connects);
    }

    [Fact]
    public async Task SendAsync_SeveralStalePooledConnections_SendsAgainOnlyOnce()
    {
        const string Response = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n";
        var connections = new List<ScriptedConnectionStream>();
        using var invoker = new HttpMessageInvoker(new Http1StreamingHandler
        {
            ConnectCallback = (_, _) =>
            {
                var connection = new ScriptedConnectionStream([Encoding.ASCII.GetBytes(Response), "x"u8.ToArray()], oneBytePerRead: false);
                connections.Add(connection);
                return ValueTask.FromResult<Stream>(connection);
            },
        });
        var a = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Origin + "/a"), CancellationToken.None);
        var b = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Origin + "/b"), CancellationToken.None);
        await a.Content.ReadAsByteArrayAsync();
        await b.Content.ReadAsByteArrayAsync();
        a.Dispose();
        b.Dispose();
        Assert.Equal(2, connections.Count);

        // Both pooled connections are now closed by the server (reads return 0).
        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Origin + "/c"), CancellationToken.None);

        // Documented: "sent again once on a new connection". Counted: writes of GET /c.
        var sends = connections.Count(c => Encoding.ASCII.GetString(c.Written).Contains("GET /c", StringComparison.Ordinal));
        Assert.Equal(2, sends);
    }
}
