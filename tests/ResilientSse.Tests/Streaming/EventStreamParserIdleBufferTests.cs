using ResilientSse.Streaming.Internal;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>
/// A quiet stream holds no buffer: with every byte processed, the parser waits with a zero-byte read and gives its
/// buffers back until data comes (rent on data, return when idle), without changing what it parses.
/// </summary>
public sealed class EventStreamParserIdleBufferTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task MoveNextAsync_WhileTheStreamIsQuiet_HoldsNoBuffer()
    {
        using var body = new ControlledStream();
        var pool = new RecordingArrayPool();
        using var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None, pool);
        body.Send("data: a\n\n");
        Assert.True(await parser.MoveNextAsync().AsTask().WaitAsync(Bound));
        Assert.Equal("a", parser.Data);

        var next = parser.MoveNextAsync().AsTask();
        await body.WaitForBlockedReadAsync();

        Assert.True(pool.Rented > 0);
        Assert.Equal(pool.Rented, pool.Returned.Count);
        body.Send("data: b\n\n");
        Assert.True(await next.WaitAsync(Bound));
        Assert.Equal("b", parser.Data);
    }

    [Fact]
    public async Task MoveNextAsync_QuietInsideABlock_KeepsTheBlocksDataAndDispatchesItWhole()
    {
        using var body = new ControlledStream();
        var pool = new RecordingArrayPool();
        using var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None, pool);
        body.Send("data: first\ndata: sec");

        var next = parser.MoveNextAsync().AsTask();
        await body.WaitForBlockedReadAsync();
        Assert.Equal(pool.Rented - 2, pool.Returned.Count); // the unfinished line and the block's data stay

        body.Send("ond\n");
        await body.WaitForBlockedReadAsync();
        Assert.Equal(pool.Rented - 1, pool.Returned.Count); // only the block's data stays
        body.Send("\n");
        Assert.True(await next.WaitAsync(Bound));
        Assert.Equal("first\nsecond", parser.Data);
    }

    [Fact]
    public async Task Dispose_WhileWaitingForData_ReturnsEachBufferOnceAndEndsTheWait()
    {
        using var body = new ControlledStream();
        var pool = new RecordingArrayPool();
        var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None, pool);
        body.Send("id: 1\ndata: a\n\n");
        Assert.True(await parser.MoveNextAsync().AsTask().WaitAsync(Bound));
        var next = parser.MoveNextAsync().AsTask();
        await body.WaitForBlockedReadAsync();

        parser.Dispose();
        body.Send("data: late\n\n");

        await Assert.ThrowsAsync<ObjectDisposedException>(() => next.WaitAsync(Bound));
        parser.Dispose();
        Assert.Equal(pool.Rented, pool.Returned.Count);
        Assert.Equal(pool.Rented, pool.Returned.Distinct().Count());
    }

    [Fact]
    public async Task MoveNextAsync_OnAStreamThatAnswersZeroByteReadsAtOnce_ParsesEveryEvent()
    {
        // One byte per read: every read but the last leaves nothing unprocessed only between lines.
        var text = "data: a\r\n\r\nid: 7\rdata: b\r\rdata: c\n\n"u8.ToArray();
        using var body = new ChunkedStream(text, 1);
        var pool = new RecordingArrayPool();
        var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None, pool);
        var data = new List<string>();
        while (await parser.MoveNextAsync())
        {
            data.Add(parser.Data);
        }

        parser.Dispose();
        Assert.Equal(["a", "b", "c"], data);
        Assert.Equal("7", parser.LastEventId);
        Assert.Equal(pool.Rented, pool.Returned.Count);
    }
}
