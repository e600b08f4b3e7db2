using ResilientSse.Http.Internal;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Tests.TestSupport.Http1Wire;

namespace ResilientSse.Tests.Http;

/// <summary>
/// A response body read straight from its connection, framed by Content-Length, chunked encoding or the close (RFC 9112
/// §6.3); each case with CRLF and bare LF line ends, whole and one byte per read.
/// </summary>
public sealed class Http1BodyStreamTests
{
    private const string SseHead = "HTTP/1.1 200 OK\nContent-Type: text/event-stream\n";

    public static TheoryData<string, bool> Wires => Variants;

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_ContentLength_ReadsExactlyThatManyBytes(string lineEnd, bool oneByte)
    {
        var connection = Connection(lineEnd, oneByte, "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello, and bytes past the body");
        using var response = await ReadAsync(connection);

        Assert.Equal("hello", await ReadBodyAsync(response, readSize: 3));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_ConnectionClosedBeforeContentLength_ThrowsResponseEnded(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.1 200 OK\nContent-Length: 10\n\nhello"));

        var ex = await Assert.ThrowsAsync<HttpIOException>(() => ReadBodyAsync(response));

        Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
        Assert.Contains("5 byte(s) before the end", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_Chunked_YieldsThePayload(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte,
            SseHead + "Transfer-Encoding: chunked\n\n", "b\ndata: first\n", "D;ext=1\n,data: second\n0\n\n"));

        Assert.Equal("data: first,data: second", await ReadBodyAsync(response));
    }

    [Theory]
    [InlineData("gzip, chunked")]
    [InlineData("gzip,chunked")]
    [InlineData("Chunked")]
    public async Task ReadAsync_ChunkedAsTheLastCoding_IsDecoded(string codings)
    {
        using var response = await ReadAsync(Connection("\r\n", false, $"HTTP/1.1 200 OK\nTransfer-Encoding: {codings}\n\n5\nhello\n0\n\n"));

        Assert.Equal("hello", await ReadBodyAsync(response));
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked, gzip")]
    [InlineData("Transfer-Encoding: xchunked")]
    [InlineData("Transfer-Encoding: chunked\nTransfer-Encoding: gzip")]
    [InlineData("Transfer-Encoding: gzip\nContent-Length: 3")]
    public async Task ReadAsync_ChunkedNotTheLastCoding_ReadsToTheClose(string headers)
    {
        using var response = await ReadAsync(Connection("\r\n", false, $"HTTP/1.1 200 OK\n{headers}\n\n5\nhello\n0\n\n"));

        Assert.Equal("5\r\nhello\r\n0\r\n\r\n", await ReadBodyAsync(response));
    }

    [Fact]
    public async Task ReadAsync_ChunkedWithContentLength_ChunkedWins()
    {
        using var response = await ReadAsync(Connection("\r\n", false, "HTTP/1.1 200 OK\nContent-Length: 3\nTransfer-Encoding: chunked\n\n5\nhello\n0\n\n"));

        Assert.Equal("hello", await ReadBodyAsync(response));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_ConnectionClosedMidChunk_ThrowsResponseEnded(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte, SseHead + "Transfer-Encoding: chunked\n\n10\ndata: cut"));

        var ex = await Assert.ThrowsAsync<HttpIOException>(() => ReadBodyAsync(response));

        Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_NoLengthNoChunking_ReadsToTheClose(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.1 200 OK\nConnection: close\n\nall of it", " until the close"));

        Assert.Equal("all of it until the close", await ReadBodyAsync(response));
    }

    [Theory]
    [InlineData("HEAD", 200)]
    [InlineData("GET", 204)]
    [InlineData("GET", 304)]
    public async Task ReadAsync_ResponseWithoutBody_IsEmptyWhateverFollows(string method, int status)
    {
        var connection = Connection("\r\n", false, $"HTTP/1.1 {status} X\nContent-Length: 5\n\nhello");
        using var response = await ReadAsync(connection, new HttpMethod(method));

        Assert.Equal("", await ReadBodyAsync(response));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_BodyBytesReadWithTheHeaders_AreDeliveredFirst(string lineEnd, bool oneByte)
    {
        var connection = Connection(lineEnd, oneByte, SseHead + "Transfer-Encoding: chunked\n\n5\nfirs", "t\n7\n second\n0\n\n");
        using var response = await ReadAsync(connection);

        Assert.Equal("first second", await ReadBodyAsync(response, readSize: 2));
    }

    [Fact]
    public async Task ReadAsync_LeftoverLongerThanTheReadersBuffer_IsDeliveredAcrossReads()
    {
        var connection = Connection("\r\n", false, "HTTP/1.1 200 OK\nContent-Length: 26\n\nabcdefghijklmnopqrstuvwxyz");
        using var response = await ReadAsync(connection);
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[10];

        Assert.Equal(10, await body.ReadAsync(buffer));
        Assert.Equal("abcdefghij"u8.ToArray(), buffer);
        Assert.Equal("klmnopqrstuvwxyz", await ReadBodyAsync(response));
    }

    [Fact]
    public async Task ReadAsync_ZeroByteReadOnAnIdleBody_ReachesTheConnection()
    {
        var connection = Connection("\r\n", false, SseHead + "Transfer-Encoding: chunked\n\n", "3\nabc\n");
        using var response = await ReadAsync(connection);
        var body = await response.Content.ReadAsStreamAsync();

        Assert.Equal(0, await body.ReadAsync(Memory<byte>.Empty));

        Assert.Equal(1, connection.ZeroByteReads);
        Assert.Equal("abc", await ReadSomeAsync(body, 3));
        Assert.Equal(0, await body.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(2, connection.ZeroByteReads);
    }

    [Fact]
    public async Task ReadAsync_ZeroByteReadWithLeftoverBytes_ReturnsAtOnceWithoutTheConnection()
    {
        var connection = Connection("\r\n", false, SseHead + "Transfer-Encoding: chunked\n\n3\nabc\n");
        using var response = await ReadAsync(connection);
        var body = await response.Content.ReadAsStreamAsync();

        Assert.Equal(0, await body.ReadAsync(Memory<byte>.Empty));

        Assert.Equal(0, connection.ZeroByteReads);
        Assert.Equal("abc", await ReadSomeAsync(body, 3));
    }

    [Fact]
    public async Task ReadAsync_EndedBody_ReturnsZeroWithoutTheConnection()
    {
        var connection = Connection("\r\n", false, "HTTP/1.1 200 OK\nContent-Length: 2\n\nok");
        using var response = await ReadAsync(connection);
        var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal("ok", await ReadBodyAsync(response));

        Assert.Equal(0, await body.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, await body.ReadAsync(new byte[8]));
        Assert.Equal(0, connection.ZeroByteReads);
    }

    [Fact]
    public async Task Dispose_Body_DisposesTheConnection()
    {
        var connection = Connection("\r\n", false, SseHead + "Transfer-Encoding: chunked\n\n3\nabc\n");
        using var response = await ReadAsync(connection);
        var body = await response.Content.ReadAsStreamAsync();

        await body.DisposeAsync();

        Assert.True(connection.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => body.ReadAsync(new byte[8]).AsTask());
    }

    [Fact]
    public async Task Dispose_Response_DisposesTheConnection()
    {
        var connection = Connection("\r\n", false, "HTTP/1.1 200 OK\nContent-Length: 2\n\nok");
        var response = await ReadAsync(connection);

        response.Dispose();

        Assert.True(connection.Disposed);
    }

    [Fact]
    public async Task ReadAsync_FailedHeaders_LeaveTheConnectionToTheCaller()
    {
        var connection = Connection("\r\n", false, "HTTP/1.1 200 OK\nbad header\n\n");

        await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(connection));

        Assert.False(connection.Disposed);
    }

    [Fact]
    public async Task Content_HasNoComputedLength()
    {
        using var response = await ReadAsync(Connection("\r\n", false, "HTTP/1.1 200 OK\nConnection: close\n\nabc"));

        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal("abc", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Constructor_NoBody_ReturnsTheLeftoverAndEndsAtOnce()
    {
        using var connection = Connection("\r\n", false, "more");
        using var body = new Http1BodyStream(connection, Http1Framing.None, -1, System.Buffers.ArrayPool<byte>.Shared.Rent(16), 0, 4);

        Assert.Equal(0, body.Read(new byte[4], 0, 4));
        Assert.Equal(4, connection.Unread);
    }

    private static async Task<string> ReadSomeAsync(Stream body, int count)
    {
        var buffer = new byte[count];
        var read = await body.ReadAsync(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }
}
