using ResilientSse.Tests.TestSupport;
using static ResilientSse.Tests.TestSupport.Http1Wire;

namespace ResilientSse.Tests.Http;

/// <summary>
/// Responses the reader must refuse as invalid HTTP/1.1 (RFC 9112 §2.2, §4, §6.3; RFC 9110 §5.5), a header section over
/// the limit however it is read, and a connection released as soon as its body ends.
/// </summary>
public sealed class Http1ResponseReaderRejectionTests
{
    public static TheoryData<string, bool> Wires => Variants;

    [Theory]
    [InlineData("HTTP/1.1 200 O\rK")]
    [InlineData("HTTP/1.1 200 O\0K")]
    [InlineData("HTTP/1.1 200 OK\r")]
    public async Task ReadAsync_ReasonPhraseWithCrOrNul_ThrowsInvalidResponse(string statusLine)
    {
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(Connection("\n", false, statusLine + "\r\nContent-Length: 0\r\n\r\n")));

        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
    }

    [Theory]
    [InlineData("X-A: a\rb")]
    [InlineData("X-A: a\0b")]
    public async Task ReadAsync_HeaderValueWithBareCrOrNul_ThrowsInvalidResponse(string header)
    {
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(Connection("\n", false, $"HTTP/1.1 200 OK\r\n{header}\r\nContent-Length: 0\r\n\r\n")));

        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
    }

    [Fact]
    public async Task ReadAsync_ContentLengthWithASign_ThrowsInvalidResponse()
    {
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(Connection("\r\n", false, "HTTP/1.1 200 OK\nContent-Length: +2\n\nok")));

        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_HeaderSectionLongerThanTheLimitInOneRead_ThrowsConfigurationLimitExceeded(string lineEnd, bool oneByte)
    {
        // 100 is no size the pool hands out: the buffer it rents is larger than the limit.
        var connection = Connection(lineEnd, oneByte, "HTTP/1.1 200 OK\nX-Long: " + new string('x', 70) + "\nContent-Length: 0\n\n");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(connection, maxHeadersLength: 100));

        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded, ex.HttpRequestError);
    }

    [Fact]
    public async Task ReadAsync_HeaderSectionPastTheLimitEndedByTheLastRead_ThrowsConfigurationLimitExceeded()
    {
        // 9,919 bytes against a limit of 8,192, read 4 KiB at a time: the limit is checked before each read, not after
        // the one that ends the section (8,113 bytes read before it).
        var lines = string.Concat(Enumerable.Range(0, 99).Select(i => $"X-H{i:D2}: {new string('h', 91)}\n"));
        var connection = Connection("\r\n", false, "HTTP/1.1 200 OK\n" + lines + "\n");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(connection, maxHeadersLength: 8192));

        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded, ex.HttpRequestError);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 2\n\nok")]
    [InlineData("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n")]
    public async Task ReadAsync_BodyReadToItsEnd_ClosesTheConnection(string wire)
    {
        // Http1StreamingHandler's remarks: "closed when the response is disposed or its body ends".
        var connection = Connection("\r\n", false, wire);
        var response = await ReadAsync(connection);

        Assert.Equal("ok", await ReadBodyAsync(response));

        Assert.True(connection.Disposed);
    }
}
