using System.Net.Http.Headers;
using System.Text;
using ResilientSse.Http.Internal;

namespace ResilientSse.Tests.Http;

/// <summary>The exact bytes of the requests the handler writes (RFC 9112 §3), values as UTF-8.</summary>
public sealed class Http1RequestWriterTests
{
    [Fact]
    public async Task WriteAsync_GetWithHeaders_WritesRequestLineHostAndHeadersInOrder()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://example.test:8080/events?run=1&x=%20");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "7");

        Assert.Equal(
            "GET /events?run=1&x=%20 HTTP/1.1\r\nHost: example.test:8080\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\nLast-Event-ID: 7\r\n\r\n",
            await WriteAsync(request));
    }

    [Theory]
    [InlineData("http://example.test/events", "example.test")]
    [InlineData("http://example.test:80/events", "example.test")]
    [InlineData("https://example.test:443/events", "example.test")]
    [InlineData("https://example.test:80/events", "example.test:80")]
    [InlineData("http://127.0.0.1:5000/events", "127.0.0.1:5000")]
    [InlineData("http://[::1]:8080/events", "[::1]:8080")]
    [InlineData("http://[::1]/events", "[::1]")]
    public async Task WriteAsync_Host_CarriesThePortOnlyWhenNotTheDefault(string address, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);

        Assert.Equal($"GET /events HTTP/1.1\r\nHost: {host}\r\n\r\n", await WriteAsync(request));
    }

    [Fact]
    public async Task WriteAsync_HostSetOnTheRequest_IsTheOneSentOnce()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:5000/events");
        request.Headers.Host = "api.example.test";

        Assert.Equal("GET /events HTTP/1.1\r\nHost: api.example.test\r\n\r\n", await WriteAsync(request));
    }

    [Fact]
    public async Task WriteAsync_NonAsciiLastEventId_IsSentAsUtf8()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h.test/s");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "é€😀");

        var bytes = await WriteBytesAsync(request);

        var expected = Encoding.ASCII.GetBytes("GET /s HTTP/1.1\r\nHost: h.test\r\nLast-Event-ID: ")
            .Concat(new byte[] { 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80 })
            .Concat(Encoding.ASCII.GetBytes("\r\n\r\n"));
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public async Task WriteAsync_PostWithBody_WritesContentHeadersLengthAndBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://h.test/runs") { Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json") };
        var body = await request.Content.ReadAsByteArrayAsync();

        Assert.Equal(
            "POST /runs HTTP/1.1\r\nHost: h.test\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
            await WriteAsync(request, body));
    }

    [Fact]
    public async Task WriteAsync_LargeBody_FollowsTheHeadWhole()
    {
        var payload = new string('p', 10_000);
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://h.test/runs") { Content = new StringContent(payload) };
        var body = await request.Content.ReadAsByteArrayAsync();

        Assert.Equal(
            $"PUT /runs HTTP/1.1\r\nHost: h.test\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10000\r\n\r\n{payload}",
            await WriteAsync(request, body));
    }

    [Fact]
    public async Task WriteAsync_PostWithoutBody_SendsContentLengthZero()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://h.test/runs");

        Assert.Equal("POST /runs HTTP/1.1\r\nHost: h.test\r\nContent-Length: 0\r\n\r\n", await WriteAsync(request));
    }

    [Fact]
    public async Task WriteAsync_FramingHeadersSetByTheCaller_AreReplacedByTheWritersOwn()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://h.test/runs") { Content = new ByteArrayContent("abc"u8.ToArray()) };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentLength = 99;

        Assert.Equal("POST /runs HTTP/1.1\r\nHost: h.test\r\nContent-Length: 3\r\n\r\nabc", await WriteAsync(request, "abc"u8.ToArray()));
    }

    [Fact]
    public async Task WriteAsync_SeveralValues_AreJoinedWithCommasAndCookiesWithSemicolons()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h.test/s");
        request.Headers.TryAddWithoutValidation("X-Multi", ["a", "b"]);
        request.Headers.TryAddWithoutValidation("Cookie", ["c=1", "d=2"]);

        Assert.Equal("GET /s HTTP/1.1\r\nHost: h.test\r\nX-Multi: a, b\r\nCookie: c=1; d=2\r\n\r\n", await WriteAsync(request));
    }

    [Theory]
    [InlineData("a\r\nInjected: yes")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\0b")]
    public async Task WriteAsync_ValueWithLineBreakOrNul_ThrowsNamingTheHeaderAndWritesNothing(string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h.test/s");
        Assert.True(request.Headers.TryAddWithoutValidation("Last-Event-ID", value));
        using var connection = new MemoryStream();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Http1RequestWriter.WriteAsync(connection, request, request.RequestUri!, null, CancellationToken.None).AsTask());

        Assert.Contains("Last-Event-ID", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, connection.Length);
    }

    private static async Task<string> WriteAsync(HttpRequestMessage request, byte[]? body = null) =>
        Encoding.UTF8.GetString(await WriteBytesAsync(request, body));

    private static async Task<byte[]> WriteBytesAsync(HttpRequestMessage request, byte[]? body = null)
    {
        using var connection = new MemoryStream();
        await Http1RequestWriter.WriteAsync(connection, request, request.RequestUri!, body, CancellationToken.None);
        return connection.ToArray();
    }
}
