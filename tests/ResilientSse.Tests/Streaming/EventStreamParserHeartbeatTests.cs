using System.Text;
using ResilientSse.Streaming.Internal;
using ResilientSse.Testing;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>
/// A quiet stream's heartbeats cost nothing that stays: reads that bring no event do not chain an awaiter each (each
/// holding its finished read) until the next event comes. Measured alone: other tests' allocations would blur it.
/// </summary>
[Collection(MemoryMeasuringTests.Name)]
public sealed class EventStreamParserHeartbeatTests
{
    private const int Heartbeats = 20_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task MoveNextAsync_ManyHeartbeatsBeforeAnEvent_KeepsNoMemoryPerHeartbeat()
    {
        using var body = new HeartbeatFeed();
        using var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None);
        var next = parser.MoveNextAsync();
        await body.WaitForReadAsync();
        body.Send(": keep-alive\n");
        await body.WaitForReadAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < Heartbeats; i++)
        {
            body.Send(": keep-alive\n");
            await body.WaitForReadAsync();
        }

        var kept = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(kept < Heartbeats * 16, $"{kept} bytes stayed after {Heartbeats} heartbeats ({(double)kept / Heartbeats:0} per heartbeat)");
        body.Send("data: x\n\n");
        Assert.True(await next.AsTask().WaitAsync(Bound));
        Assert.Equal("x", parser.Data);
    }

    /// <summary>A body fed line by line, each pending read a task of its own that the body forgets once completed.</summary>
    private sealed class HeartbeatFeed : ReadOnlyTestStream
    {
        private readonly SemaphoreSlim _readPending = new(0);
        private TaskCompletionSource<int>? _pending;
        private Memory<byte> _buffer;
        private byte[] _ready = [];

        /// <summary>Waits (at most 10 s) until a read is pending.</summary>
        public async Task WaitForReadAsync()
        {
            if (!await _readPending.WaitAsync(Bound))
            {
                throw new TimeoutException("No read started.");
            }
        }

        /// <summary>Completes the pending read with <paramref name="text"/>.</summary>
        public void Send(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var pending = _pending ?? throw new InvalidOperationException("No read is pending.");
            _pending = null;
            if (_buffer.IsEmpty)
            {
                _ready = bytes; // a zero-byte read: the bytes wait for the read that follows
                pending.SetResult(0);
            }
            else
            {
                bytes.CopyTo(_buffer.Span);
                pending.SetResult(bytes.Length);
            }
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_ready.Length > 0)
            {
                var count = buffer.IsEmpty ? 0 : Math.Min(buffer.Length, _ready.Length);
                _ready.AsSpan(0, count).CopyTo(buffer.Span);
                _ready = _ready[count..];
                return new ValueTask<int>(count);
            }

            var pending = new TaskCompletionSource<int>();
            (_pending, _buffer) = (pending, buffer);
            _readPending.Release();
            return new ValueTask<int>(pending.Task);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _readPending.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
