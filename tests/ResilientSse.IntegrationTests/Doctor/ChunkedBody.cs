using System.Text;
using System.Threading.Channels;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>
/// A response body the test writes chunk by chunk, that says when its reader is waiting for more: the test then knows
/// the last chunk was taken (and timed) before it moves a fake clock on.
/// </summary>
internal sealed class ChunkedBody : Stream
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
    private readonly SemaphoreSlim _waiting = new(0);
    private byte[] _current = [];
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public void Write(string text) => _chunks.Writer.TryWrite(Encoding.UTF8.GetBytes(text));

    public void End() => _chunks.Writer.TryComplete();

    /// <summary>Waits (at most 10 s) until the reader has taken everything written and asks for more (once per time it asks).</summary>
    public async Task WaitUntilReadingAsync()
    {
        if (!await _waiting.WaitAsync(Bound))
        {
            throw new TimeoutException("The body was not read within 10 s.");
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_offset == _current.Length)
        {
            if (!_chunks.Reader.TryRead(out var next))
            {
                _waiting.Release();
                if (!await _chunks.Reader.WaitToReadAsync(cancellationToken) || !_chunks.Reader.TryRead(out next))
                {
                    return 0;
                }
            }

            (_current, _offset) = (next, 0);
        }

        var count = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _waiting.Dispose();
        }

        base.Dispose(disposing);
    }
}
