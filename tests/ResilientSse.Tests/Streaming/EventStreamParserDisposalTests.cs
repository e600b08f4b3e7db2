using Microsoft.Extensions.Logging.Abstractions;
using ResilientSse.Streaming.Internal;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>
/// Disposal while a read is pending never hands the read's buffer back to the pool: a read that completes later would
/// write into an array the pool may have given to someone else.
/// </summary>
public sealed class EventStreamParserDisposalTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Dispose_WhileAReadIsPending_ReturnsTheBuffersOnlyWhenTheReadEnds()
    {
        using var body = new PendingReadStream(honourCancellation: false);
        var pool = new RecordingArrayPool();
        var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None, pool);
        var next = parser.MoveNextAsync().AsTask();
        await body.WaitForReadAsync();

        parser.Dispose();
        Assert.Empty(pool.Returned);

        body.Complete("data: late\n\n");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => next.WaitAsync(Bound));
        Assert.Equal(pool.Rented, pool.Returned.Count);
    }

    [Fact]
    public async Task Dispose_Twice_ReturnsEachBufferOnce()
    {
        using var body = new PendingReadStream(honourCancellation: false);
        var pool = new RecordingArrayPool();
        var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None, pool);
        var next = parser.MoveNextAsync().AsTask();
        await body.WaitForReadAsync();

        parser.Dispose();
        parser.Dispose();
        body.Complete("data: late\n\n");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => next.WaitAsync(Bound));
        parser.Dispose();

        Assert.Equal(pool.Rented, pool.Returned.Distinct().Count());
        Assert.Equal(pool.Rented, pool.Returned.Count);
    }

    [Fact]
    public async Task DisposeAsync_OfTheConnectionWhileAReadIsPending_EndsTheReadPromptlyBeforeTheBuffersGoBack()
    {
        using var body = new PendingReadStream(honourCancellation: true);
        var pool = new RecordingArrayPool { Unsafe = () => body.ReadPending };
        var connection = NewConnection(body, pool);
        var next = connection.StartReading(string.Empty, CancellationToken.None).MoveNextAsync().AsTask();
        await body.WaitForReadAsync();

        await connection.DisposeAsync().AsTask().WaitAsync(Bound);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => next.WaitAsync(Bound));
        Assert.Equal(pool.Rented, pool.Returned.Count);
        Assert.Equal(0, pool.ReturnedUnsafely);
    }

    [Fact]
    public async Task DisposeAsync_OfTheConnectionWhileAReadIgnoresCancellation_EndsPromptlyAndKeepsTheBuffersUntilTheReadEnds()
    {
        using var body = new PendingReadStream(honourCancellation: false);
        var pool = new RecordingArrayPool { Unsafe = () => body.ReadPending };
        var connection = NewConnection(body, pool);
        var next = connection.StartReading(string.Empty, CancellationToken.None).MoveNextAsync().AsTask();
        await body.WaitForReadAsync();

        await connection.DisposeAsync().AsTask().WaitAsync(Bound);
        Assert.Empty(pool.Returned);

        body.Complete("data: late\n\n");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => next.WaitAsync(Bound));
        Assert.Equal(pool.Rented, pool.Returned.Count);
        Assert.Equal(0, pool.ReturnedUnsafely);
    }

    private static SseConnection NewConnection(Stream body, RecordingArrayPool pool)
    {
        var idle = new IdleTimer(Timeout.InfiniteTimeSpan, TimeProvider.System, CancellationToken.None);
        return new SseConnection(new HttpResponseMessage(), new SseResponseStream(body, idle), idle, 1 << 16, NullLogger.Instance, pool);
    }
}
