using System.Text;
using ResilientSse.Testing;

namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// A body whose reads stay pending until the test completes them — writing into the reader's buffer, as a late
/// network read does. It honours cancellation, or, like a misbehaving stream, ignores it. A zero-byte read completes
/// at once, as on a stream that cannot wait for data that way, so that the read left pending is one into a buffer.
/// </summary>
internal sealed class PendingReadStream(bool honourCancellation) : ReadOnlyTestStream
{
    private readonly SemaphoreSlim _readStarted = new(0);
    private TaskCompletionSource<int>? _pending;
    private Memory<byte> _buffer;

    /// <summary>Gets whether a read is pending: it may still write into the buffer it was given.</summary>
    public bool ReadPending => _pending is { Task.IsCompleted: false };

    /// <summary>Waits (at most 10 s) until a read is pending.</summary>
    public async Task WaitForReadAsync()
    {
        if (!await _readStarted.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("No read started.");
        }
    }

    /// <summary>Completes the pending read with <paramref name="text"/>, written into the reader's buffer.</summary>
    public void Complete(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes.CopyTo(_buffer.Span);
        _pending!.TrySetResult(bytes.Length);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return new ValueTask<int>(0);
        }

        var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        (_buffer, _pending) = (buffer, pending);
        if (honourCancellation)
        {
            cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
        }

        _readStarted.Release();
        return new ValueTask<int>(pending.Task);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _readStarted.Dispose();
        }

        base.Dispose(disposing);
    }
}
