using System.Text;
using ResilientSse.Streaming.Internal;
using ResilientSse.Testing;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>
/// A stream that keeps filling the parser's reads has more waiting: the read buffer doubles up to 32 KiB, so a burst
/// costs fewer reads; a stream that answers with less than asked keeps the first 4 KiB buffer.
/// </summary>
public sealed class EventStreamParserReadSizeTests
{
    private static readonly byte[] Burst = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, 2_000).Select(i => $"id: {i}\ndata: {{\"n\":{i},\"text\":\"payload payload payload\"}}\n\n")));

    [Fact]
    public async Task MoveNextAsync_StreamFillsEveryRead_ReadsGrowTo32KiBAndNoFurther()
    {
        using var body = new RecordingStream(Burst, answerAtMost: int.MaxValue);
        var pool = new RecordingArrayPool();
        var events = 0;
        using (var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None, pool))
        {
            while (await parser.MoveNextAsync())
            {
                events++;
            }
        }

        Assert.Equal(2_000, events);
        Assert.Equal(4096, body.Asked[0].Capacity);
        Assert.Equal(32 * 1024, body.Asked.Max(a => a.Capacity));
        Assert.Contains(body.Asked, a => a.Capacity == 32 * 1024);
        Assert.True(body.Asked.Count < Burst.Length / 4096, $"{body.Asked.Count} reads for {Burst.Length} bytes");
        Assert.Equal(pool.Rented, pool.Returned.Count);
    }

    [Fact]
    public async Task MoveNextAsync_StreamAnswersLessThanAsked_KeepsTheFirstBuffer()
    {
        using var body = new RecordingStream(Burst, answerAtMost: 1000);
        var events = 0;
        using (var parser = new EventStreamParser(body, string.Empty, 1 << 16, CancellationToken.None, new RecordingArrayPool()))
        {
            while (await parser.MoveNextAsync())
            {
                events++;
            }
        }

        Assert.Equal(2_000, events);
        Assert.All(body.Asked, a => Assert.True(a.Capacity <= 4096, $"a read asked for {a.Capacity} bytes"));
    }

    /// <summary>Serves <c>content</c> at most <c>answerAtMost</c> bytes per read, and notes how large each non-empty read's buffer was.</summary>
    private sealed class RecordingStream(byte[] content, int answerAtMost) : ReadOnlyTestStream
    {
        private int _position;

        public List<(int Capacity, int Answered)> Asked { get; } = [];

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return new ValueTask<int>(0);
            }

            var count = Math.Min(Math.Min(buffer.Length, answerAtMost), content.Length - _position);
            content.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            Asked.Add((buffer.Length, count));
            return new ValueTask<int>(count);
        }
    }
}
