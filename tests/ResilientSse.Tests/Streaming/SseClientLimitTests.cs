using System.Net.ServerSentEvents;
using System.Text;
using ResilientSse.Streaming;
using ResilientSse.Testing;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>Bounded memory against a broken or hostile server.</summary>
public class SseClientLimitTests
{
    [Fact]
    public async Task EndlessLine_EndsWithLimitExceeded_HavingReadLittleMoreThanTheLimit()
    {
        var endless = new EndlessStream("data: "u8.ToArray(), (byte)'x', maxBytes: 64 * 1024 * 1024);
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(endless));
        using var http = new HttpClient(server);
        var client = new SseClient(http, new SseClientOptions { MaxEventSize = 64 * 1024 });

        var ex = await Assert.ThrowsAsync<SseLimitExceededException>(() => SseClients.CollectAsync(client.SubscribeAsync(SseClients.Address)));

        Assert.Equal(64 * 1024, ex.Limit);
        Assert.True(endless.BytesRead < 2 * 64 * 1024, $"read {endless.BytesRead} bytes before failing");
        Assert.True(endless.Disposed);
    }

    [Fact]
    public async Task EventOfManyShortLinesBeyondTheLimit_EndsWithLimitExceeded()
    {
        var body = string.Concat(Enumerable.Repeat("data: 0123456789\n", 1000)) + "\n";
        using var server = new SseTestServer().ThenStream(body, chunkSize: 100);
        using var http = new HttpClient(server);

        await Assert.ThrowsAsync<SseLimitExceededException>(() =>
            SseClients.CollectAsync(new SseClient(http, new SseClientOptions { MaxEventSize = 4096 }).SubscribeAsync(SseClients.Address)));
    }

    [Fact]
    public async Task EventsBeforeAnOversizedOneInTheSameRead_AreYieldedFirst()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: a\n\nid: 2\ndata: b\n\ndata: " + new string('x', 5000) + "\n\n");
        using var http = new HttpClient(server);
        var events = new List<SseItem<string>>();

        await Assert.ThrowsAsync<SseLimitExceededException>(async () =>
        {
            await foreach (var item in new SseClient(http, new SseClientOptions { MaxEventSize = 4096 }).SubscribeAsync(SseClients.Address))
            {
                events.Add(item);
            }
        });

        Assert.Equal(["a", "b"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task EventsJustUnderTheLimit_Pass()
    {
        var payload = new string('x', 4096 - "data: \n\n".Length);
        using var server = new SseTestServer().ThenStream($"data: {payload}\n\ndata: {payload}\n\n").ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, new SseClientOptions { MaxEventSize = 4096, InitialReconnectDelay = TimeSpan.Zero }).SubscribeAsync(SseClients.Address));

        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task CommentsWithoutBlankLinesBeyondTheLimit_AreNotKeptAndPass()
    {
        // Keep-alive comments with no blank line between them, far more bytes of them than the limit, then an event.
        var body = string.Concat(Enumerable.Repeat(":" + new string('h', 99) + "\n", 1000)) + "data: x\n\n";
        using var server = new SseTestServer().ThenStream(body, chunkSize: 1000).ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, new SseClientOptions { MaxEventSize = 4096, InitialReconnectDelay = TimeSpan.Zero }).SubscribeAsync(SseClients.Address));

        Assert.Equal(["x"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task CommentLineBeyondTheLimit_EndsWithLimitExceeded()
    {
        using var server = new SseTestServer().ThenStream(":" + new string('h', 5000) + "\ndata: x\n\n");
        using var http = new HttpClient(server);

        await Assert.ThrowsAsync<SseLimitExceededException>(() =>
            SseClients.CollectAsync(new SseClient(http, new SseClientOptions { MaxEventSize = 4096 }).SubscribeAsync(SseClients.Address)));
    }

    /// <summary>A prefix, then one byte forever (up to a safety bound so a failing test cannot eat the machine).</summary>
    private sealed class EndlessStream(byte[] prefix, byte fill, long maxBytes) : ReadOnlyTestStream
    {
        public long BytesRead { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (BytesRead >= maxBytes)
            {
                return new ValueTask<int>(0);
            }

            var count = Math.Min(buffer.Length, 4096);
            var span = buffer.Span;
            for (var i = 0; i < count; i++)
            {
                span[i] = BytesRead + i < prefix.Length ? prefix[BytesRead + i] : fill;
            }

            BytesRead += count;
            return new ValueTask<int>(count);
        }
    }
}
