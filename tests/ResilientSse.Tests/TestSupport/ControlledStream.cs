using System.Text;
using System.Threading.Channels;
using ResilientSse.Testing;

namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// A response body the test feeds by hand: reads wait for <see cref="Send"/>, honour cancellation, and signal when
/// they start waiting, so a test can advance a fake clock exactly while the reader is blocked.
/// </summary>
internal sealed class ControlledStream : ReadOnlyTestStream
{
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
    private readonly SemaphoreSlim _readWaiting = new(0);
    private byte[] _current = [];
    private int _offset;

    public void Send(string text) => _chunks.Writer.TryWrite(Encoding.UTF8.GetBytes(text));

    public void End() => _chunks.Writer.TryComplete();

    /// <summary>Waits (at most 10 s) until a read is blocked waiting for data.</summary>
    public async Task WaitForBlockedReadAsync()
    {
        if (!await _readWaiting.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("No read waited for data.");
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_offset == _current.Length)
        {
            if (!_chunks.Reader.TryRead(out var next))
            {
                _readWaiting.Release();
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
        _chunks.Writer.TryComplete();
        base.Dispose(disposing);
    }
}
