using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// The response body as the parser sees it: every read is a wait the idle timer bounds (the time between reads is
/// the consumer's and does not count), bytes are
/// counted, and network failures become <see cref="SseTransientException"/>. A read-only, forward-only wrapper; it owns the inner stream.
/// </summary>
internal sealed class SseResponseStream : Stream
{
    private readonly Stream _inner;
    private readonly IdleTimer _idle;

    public SseResponseStream(Stream inner, IdleTimer idle)
    {
        _inner = inner;
        _idle = idle;
    }

    /// <summary>Gets how many bytes were read.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _idle.BeginWait();
        ValueTask<int> pending;
        try
        {
            pending = _inner.ReadAsync(buffer, _idle.Token);
        }
        catch (Exception ex) when (_idle.Translate(ex, "while reading the stream") is { } translated)
        {
            _idle.EndWait();
            return ValueTask.FromException<int>(translated);
        }

        // Bytes the transport already has are accounted for without an async state machine.
        if (pending.IsCompletedSuccessfully)
        {
            _idle.EndWait();
            var read = pending.Result;
            Account(buffer.Span[..read]);
            return new ValueTask<int>(read);
        }

        return AwaitReadAsync(pending, buffer);
    }

    private async ValueTask<int> AwaitReadAsync(ValueTask<int> pending, Memory<byte> buffer)
    {
        int read;
        try
        {
            read = await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (_idle.Translate(ex, "while reading the stream") is { } translated)
        {
            throw translated;
        }
        finally
        {
            // Whatever the consumer does with these bytes until its next read is not the server's silence.
            _idle.EndWait();
        }

        Account(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = _inner.Read(buffer);
        }
        catch (Exception ex) when (_idle.Translate(ex, "while reading the stream") is { } translated)
        {
            throw translated;
        }

        Account(buffer[..read]);
        return read;
    }

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
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        BytesRead += chunk.Length;
        SseMetrics.Bytes.Add(chunk.Length);
    }
}
