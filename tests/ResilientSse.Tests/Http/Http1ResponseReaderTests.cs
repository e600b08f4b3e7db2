using System.Net;
using ResilientSse.Http.Internal;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Tests.TestSupport.Http1Wire;

namespace ResilientSse.Tests.Http;

/// <summary>
/// The status line and header section of an HTTP/1.1 response (RFC 9112 §4–5), each case with CRLF and bare LF line
/// ends, whole and one byte per read.
/// </summary>
public sealed class Http1ResponseReaderTests
{
    public static TheoryData<string, bool> Wires => Variants;

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_StatusLineWithReason_TakesStatusVersionAndReason(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.1 404 Not Found\nContent-Length: 0\n\n"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal("Not Found", response.ReasonPhrase);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_StatusLineWithoutReason_TakesTheStatusAndItsDefaultReason(string lineEnd, bool oneByte)
    {
        using var bare = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.1 503\nContent-Length: 0\n\n"));
        using var trailingSpace = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.1 202 \nContent-Length: 0\n\n"));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Service Unavailable"), (bare.StatusCode, bare.ReasonPhrase));
        Assert.Equal((HttpStatusCode.Accepted, "Accepted"), (trailingSpace.StatusCode, trailingSpace.ReasonPhrase));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_Http10_IsVersion10(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.0 200 OK\n\nbody"));

        Assert.Equal(HttpVersion.Version10, response.Version);
        Assert.Equal("body", await ReadBodyAsync(response));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_CustomReasonPhrase_IsKept(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.1 200 Stream Follows: Enjoy\nContent-Length: 0\n\n"));

        Assert.Equal("Stream Follows: Enjoy", response.ReasonPhrase);
    }

    [Theory]
    [InlineData("HTTP/2 200 OK")]
    [InlineData("HTTP/1.1 20 OK")]
    [InlineData("HTTP/1.1 2000 OK")]
    [InlineData("HTTP/1.1  200 OK")]
    [InlineData("HTTP/1.1 abc OK")]
    [InlineData("HTTP/1.1 099 Low")]
    [InlineData("HTTP/1.1 200OK")]
    [InlineData("HTTP/1.x 200 OK")]
    [InlineData("ICY 200 OK")]
    [InlineData("")]
    public async Task ReadAsync_MalformedStatusLine_ThrowsInvalidResponse(string statusLine)
    {
        foreach (var (lineEnd, oneByte) in new[] { ("\r\n", false), ("\n", true) })
        {
            var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(Connection(lineEnd, oneByte, statusLine + "\nContent-Length: 0\n\n")));

            Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
            Assert.Contains("status line is not HTTP/1.x", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReadAsync_SwitchingProtocols_ThrowsInvalidResponse()
    {
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(Connection("\r\n", false, "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\n")));

        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
        Assert.Contains("101", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_HeadersSplitAcrossReads_AreAllTaken(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.1 200 OK\nX-Sp", "lit: yes\nX-Next", ": 2\n", "\n"));

        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("X-Split")));
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Next")));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_ContentHeaders_GoToTheContentAndOthersToTheResponse(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte,
            "HTTP/1.1 200 OK\nContent-Type: text/event-stream; charset=utf-8\nCache-Control: no-cache\nX-Request-Id:  abc \nContent-Length: 0\n\n"));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.NonValidated.Contains("Content-Type"));
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Equal("abc", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.False(response.Content.Headers.Contains("X-Request-Id"));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_RetryAfter_IsReadableWhereTheClientLooksForIt(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte, "HTTP/1.1 503 Service Unavailable\nRetry-After: 120\nContent-Length: 0\n\n"));

        Assert.Equal(TimeSpan.FromSeconds(120), response.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [InlineData("X-A: 1\n continued")]
    [InlineData("X-A: 1\n\tcontinued")]
    [InlineData("X-A : 1")]
    [InlineData("X-A\t: 1")]
    [InlineData(": no name")]
    [InlineData("no colon")]
    public async Task ReadAsync_MalformedHeaderLine_ThrowsInvalidResponse(string headers)
    {
        foreach (var (lineEnd, oneByte) in new[] { ("\r\n", false), ("\n", true) })
        {
            var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(Connection(lineEnd, oneByte, $"HTTP/1.1 200 OK\n{headers}\n\n")));

            Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
            Assert.Contains("a header line is malformed", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReadAsync_HeaderNameThatIsNotAToken_ThrowsInvalidResponse()
    {
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(Connection("\r\n", false, "HTTP/1.1 200 OK\nBad Name: x\n\n")));

        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
        Assert.Contains("not a token", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Content-Length: 5\nContent-Length: 6")]
    [InlineData("Content-Length: 5, 6")]
    [InlineData("Content-Length: -1")]
    [InlineData("Content-Length: five")]
    public async Task ReadAsync_ContentLengthNotOneLength_ThrowsInvalidResponse(string headers)
    {
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(Connection("\r\n", false, $"HTTP/1.1 200 OK\n{headers}\n\nhello!")));

        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
        Assert.Contains("Content-Length is not one length", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_InterimResponses_AreSkippedForTheFinalOne(string lineEnd, bool oneByte)
    {
        using var response = await ReadAsync(Connection(lineEnd, oneByte,
            "HTTP/1.1 100 Continue\n\nHTTP/1.1 103 Early Hints\nLink: </a.css>; rel=preload\n\nHTTP/1.1 200 OK\nX-Final: 1\nContent-Length: 2\n\nok"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Link"));
        Assert.True(response.Headers.Contains("X-Final"));
        Assert.Equal("ok", await ReadBodyAsync(response));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_HeaderSectionLongerThanTheLimit_ThrowsConfigurationLimitExceeded(string lineEnd, bool oneByte)
    {
        var connection = Connection(lineEnd, oneByte, "HTTP/1.1 200 OK\nX-Long: " + new string('x', 200) + "\nContent-Length: 0\n\n");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => ReadAsync(connection, maxHeadersLength: 64));

        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded, ex.HttpRequestError);
        Assert.Contains("MaxResponseHeadersLength", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_LongHeaderSectionWithinTheLimit_IsRead(string lineEnd, bool oneByte)
    {
        var value = new string('v', 20_000);
        using var response = await ReadAsync(Connection(lineEnd, oneByte, $"HTTP/1.1 200 OK\nX-Long: {value}\nX-After: 1\nContent-Length: 0\n\n"));

        Assert.Equal(value, Assert.Single(response.Headers.GetValues("X-Long")));
        Assert.True(response.Headers.Contains("X-After"));
    }

    [Theory]
    [MemberData(nameof(Wires))]
    public async Task ReadAsync_ConnectionClosedBeforeTheHeadersEnd_ThrowsResponseEnded(string lineEnd, bool oneByte)
    {
        foreach (var cut in new[] { "", "HTTP/1.1 200", "HTTP/1.1 200 OK\nContent-Type: text/event-stream\n" })
        {
            // Before any byte it is the handler's cue to send again on a new connection (a subclass), after one a plain failure.
            var ex = await Assert.ThrowsAnyAsync<HttpRequestException>(() => ReadAsync(Connection(lineEnd, oneByte, cut)));

            Assert.Equal(HttpRequestError.ResponseEnded, ex.HttpRequestError);
            Assert.Equal(cut.Length == 0, ex is Http1NoResponseException);
        }
    }
}
