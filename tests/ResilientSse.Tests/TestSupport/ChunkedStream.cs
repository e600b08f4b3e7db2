using ResilientSse.Testing;
namespace ResilientSse.Tests.TestSupport;

/// <summary>A read-only stream over bytes that hands out at most <c>chunkSize</c> bytes per read: one byte per read splits every CRLF and every UTF-8 character.</summary>
internal sealed class ChunkedStream(byte[] bytes, int chunkSize) : ReadOnlyTestStream
{
    private int _position;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var count = Math.Min(Math.Min(buffer.Length, chunkSize), bytes.Length - _position);
        bytes.AsSpan(_position, count).CopyTo(buffer.Span);
        _position += count;
        return new ValueTask<int>(count);
    }
}
