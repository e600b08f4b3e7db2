using System.Text;
using System.Threading.Channels;
using ResilientSse.Testing;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>
/// A response body the test writes chunk by chunk, that says when its reader is waiting for more: the test then knows
/// the last chunk was taken (and timed) before it moves a fake clock on.
/// </summary>
internal sealed class ChunkedBody : ReadOnlyTestStream
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
    private readonly SemaphoreSlim _waiting = new(0);
    private byte[] _current = [];
    private int _offset;

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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _waiting.Dispose();
        }

        base.Dispose(disposing);
    }
}
