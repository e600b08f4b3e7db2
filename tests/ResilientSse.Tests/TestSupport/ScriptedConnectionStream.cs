using ResilientSse.Testing;

namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// A connection's read side scripted as segments: each read returns (part of) the next segment, or one byte of it when
/// <c>oneBytePerRead</c>, and 0 once they are used up, as a closed connection does (or throws
/// <see cref="FailWhenDone"/>). It counts zero-byte reads and keeps what is written to it.
/// </summary>
internal sealed class ScriptedConnectionStream(IEnumerable<byte[]> segments, bool oneBytePerRead) : ReadOnlyTestStream
{
    private readonly Queue<byte[]> _segments = new(segments);
    private readonly MemoryStream _written = new();
    private int _offset;

    /// <summary>Gets or sets what a read throws once the segments are used up, in place of returning 0.</summary>
    public Exception? FailWhenDone { get; init; }

    /// <summary>Gets the bytes written so far.</summary>
    public byte[] Written => _written.ToArray();

    public override bool CanWrite => true;

    /// <summary>Gets how many zero-byte reads reached this stream.</summary>
    public int ZeroByteReads { get; private set; }

    /// <summary>Gets how many bytes have not been read yet.</summary>
    public int Unread => _segments.Sum(s => s.Length) - _offset;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty)
        {
            ZeroByteReads++;
            return new ValueTask<int>(0);
        }

        if (!_segments.TryPeek(out var segment))
        {
            return FailWhenDone is { } failure ? ValueTask.FromException<int>(failure) : new ValueTask<int>(0);
        }

        var count = Math.Min(oneBytePerRead ? 1 : buffer.Length, segment.Length - _offset);
        segment.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        if (_offset == segment.Length)
        {
            (_offset, _) = (0, _segments.Dequeue());
        }

        return new ValueTask<int>(count);
    }

    public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _written.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }
}
