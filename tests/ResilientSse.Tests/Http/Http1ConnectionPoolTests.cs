using System.Text;
using Microsoft.Extensions.Time.Testing;
using ResilientSse.Http.Internal;

namespace ResilientSse.Tests.Http;

/// <summary>
/// The idle connection pool: newest first, nothing past its idle time, a timer that closes what expires, and a body
/// that gives its connection back only when it ended cleanly with nothing after it.
/// </summary>
public sealed class Http1ConnectionPoolTests
{
    private const string Origin = "http://127.0.0.1:5080";

    [Fact]
    public void Rent_TwoReturned_GivesTheNewestFirstThenTheOther()
    {
        using var pool = new Http1ConnectionPool(new FakeTimeProvider());
        using var older = new MemoryStream();
        using var newer = new MemoryStream();
        pool.Return(Origin, older, socket: null);
        pool.Return(Origin, newer, socket: null);

        Assert.Same(newer, pool.Rent(Origin)?.Stream);
        Assert.Same(older, pool.Rent(Origin)?.Stream);
        Assert.Null(pool.Rent(Origin));
    }

    [Fact]
    public void Rent_OtherOrigin_GivesNothing()
    {
        using var pool = new Http1ConnectionPool(new FakeTimeProvider());
        pool.Return(Origin, new MemoryStream(), socket: null);

        Assert.Null(pool.Rent("http://127.0.0.1:5081"));
    }

    [Fact]
    public void Rent_IdleTimeoutPassed_ClosesTheConnectionAndGivesNothing()
    {
        var time = new FakeTimeProvider();
        using var pool = new Http1ConnectionPool(time) { IdleTimeout = TimeSpan.FromSeconds(10) };
        var connection = new NotingStream();
        pool.Return(Origin, connection, socket: null);

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(pool.Rent(Origin));
        Assert.True(connection.Disposed);
    }

    [Fact]
    public void Rent_IdleTimeoutInfinite_KeepsTheConnectionHoweverLongItWaits()
    {
        var time = new FakeTimeProvider();
        using var pool = new Http1ConnectionPool(time) { IdleTimeout = Timeout.InfiniteTimeSpan };
        var connection = new NotingStream();
        pool.Return(Origin, connection, socket: null);

        time.Advance(TimeSpan.FromDays(1));

        Assert.Same(connection, pool.Rent(Origin)?.Stream);
        Assert.False(connection.Disposed);
    }

    [Fact]
    public async Task ReadAsync_TransferEncodingAndContentLength_ReadsChunkedAndDropsTheContentLength()
    {
        var connection = new NotingStream(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + "/");

        using var message = await Http1ResponseReader.ReadAsync(connection, request, 4096, CancellationToken.None);

        Assert.Null(message.Content.Headers.ContentLength);
        Assert.Equal("hello", await message.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Return_IdleTimeoutZero_ClosesTheConnection()
    {
        using var pool = new Http1ConnectionPool(new FakeTimeProvider()) { IdleTimeout = TimeSpan.Zero };
        var connection = new NotingStream();

        pool.Return(Origin, connection, socket: null);

        Assert.True(connection.Disposed);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Scavenger_IdleTimeoutPasses_ClosesExpiredConnectionsWithoutARequest()
    {
        var time = new FakeTimeProvider();
        using var pool = new Http1ConnectionPool(time) { IdleTimeout = TimeSpan.FromSeconds(45) };
        var first = new NotingStream();
        var second = new NotingStream();
        pool.Return(Origin, first, socket: null); // the timer ticks every 30 s from here
        time.Advance(TimeSpan.FromSeconds(20));
        pool.Return(Origin, second, socket: null);

        time.Advance(TimeSpan.FromSeconds(10)); // 30 s: neither is 45 s old
        Assert.Equal(2, pool.Count);
        time.Advance(TimeSpan.FromSeconds(30)); // 60 s: the first is 60 s old, the second 40 s
        Assert.True(first.Disposed);
        Assert.False(second.Disposed);
        time.Advance(TimeSpan.FromSeconds(30)); // 90 s: the second is 70 s old

        Assert.True(second.Disposed);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Dispose_ConnectionsIdle_ClosesThemAndClosesLaterReturns()
    {
        var pool = new Http1ConnectionPool(new FakeTimeProvider());
        var idle = new NotingStream();
        var later = new NotingStream();
        pool.Return(Origin, idle, socket: null);

        pool.Dispose();
        pool.Return(Origin, later, socket: null);

        Assert.True(idle.Disposed);
        Assert.True(later.Disposed);
    }

    [Fact]
    public void Key_SameOriginTwice_GivesOneString()
    {
        using var pool = new Http1ConnectionPool(new FakeTimeProvider());

        var first = pool.Key(new string(Origin.AsSpan()));
        var second = pool.Key(new string(Origin.AsSpan()));

        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive, Close\r\n\r\nhello", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", false)]
    [InlineData("HTTP/1.1 200 OK\r\n\r\nhello", false)] // until the close
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, and more", false)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nmore", false)]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n", false)] // RFC 9112 §6.3: an error
    public async Task Dispose_BodyReadToItsEnd_GivesTheConnectionBackOnlyWhenNothingElseIsOnIt(string response, bool reused)
    {
        using var pool = new Http1ConnectionPool(new FakeTimeProvider());
        var connection = new NotingStream(Encoding.ASCII.GetBytes(response));
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + "/");

        using (var message = await Http1ResponseReader.ReadAsync(connection, request, 4096, new Http1Reuse(pool, Origin, null), CancellationToken.None))
        {
            await message.Content.ReadAsByteArrayAsync();
        }

        Assert.Equal(reused, pool.Rent(Origin)?.Stream == connection);
        Assert.Equal(!reused, connection.Disposed);
    }

    [Fact]
    public async Task Dispose_BodyNotReadToItsEnd_ClosesTheConnection()
    {
        using var pool = new Http1ConnectionPool(new FakeTimeProvider());
        var connection = new NotingStream(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"));
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + "/");

        using (var message = await Http1ResponseReader.ReadAsync(connection, request, 4096, new Http1Reuse(pool, Origin, null), CancellationToken.None))
        {
            var body = await message.Content.ReadAsStreamAsync();
            Assert.Equal(5, await body.ReadAsync(new byte[16]));
        }

        Assert.Null(pool.Rent(Origin));
        Assert.True(connection.Disposed);
    }

    /// <summary>An in-memory connection that notes its disposal.</summary>
    private sealed class NotingStream(byte[]? content = null) : MemoryStream(content ?? [])
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
