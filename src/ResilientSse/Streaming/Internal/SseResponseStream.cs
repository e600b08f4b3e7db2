using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// The response body as the parser sees it: every read is a wait the idle timer bounds (the time between reads is
/// the consumer's and does not count), bytes are
/// counted, and network failures become <see cref="SseTransientException"/>. A read-only, forward-only wrapper; it owns the inner stream.
/// </summary>
/// <remarks>
/// Disposing a body that has not ended aborts it instead of letting <see cref="SocketsHttpHandler"/> drain it (for
/// up to <c>ResponseDrainTimeout</c>, 2 s by default) with the socket still open: an event stream never ends on its
/// own, so a drain only delays the close. The handler closes the connection when a pending body read is cancelled.
/// </remarks>
internal sealed class SseResponseStream : Stream
{
    /// <summary>
    /// How many reads (of <see cref="AbortReadSize"/> bytes) disposal makes, at most, through bytes already buffered
    /// before one has to wait. Past that it disposes as before: a server that floods is drained quickly, up to the
    /// handler's <c>MaxResponseDrainSize</c>; the bound keeps disposal from reading an endless in-memory body.
    /// </summary>
    private const int MaxAbortReads = 8;

    private const int AbortReadSize = 4096;

    /// <summary>How long disposal waits, at most, for a cancelled read to end (a stream may ignore cancellation).</summary>
    private static readonly TimeSpan AbortWait = TimeSpan.FromSeconds(1);

    private readonly Stream _inner;
    private readonly IdleTimer _idle;
    private bool _ended;

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
            Account(buffer.Span, read);
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

        Account(buffer.Span, read);
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

        Account(buffer, read);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Aborts the body unless it has ended (see the remarks), then disposes the inner stream.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            await AbortAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_ended && _idle.IsWaiting)
            {
                _idle.Abort();
            }

            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Makes the body end at once: cancels the pending read, if one is waiting (its owner sees it end); otherwise
    /// reads through what is buffered until a read has to wait, cancels that read and waits for it to end.
    /// </summary>
    private async ValueTask AbortAsync()
    {
        if (_idle.IsWaiting)
        {
            _idle.Abort();
            return;
        }

        var scratch = new byte[AbortReadSize];
        using var cancel = new CancellationTokenSource();
        for (var i = 0; i < MaxAbortReads; i++)
        {
            ValueTask<int> read;
            try
            {
                read = _inner.ReadAsync(scratch, cancel.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException or NotSupportedException)
            {
                return; // the body failed already: there is nothing to drain
            }

            if (read.IsCompletedSuccessfully)
            {
                if (read.Result == 0)
                {
                    return; // the body ended after all
                }

                continue; // bytes that were buffered: read on until a read waits
            }

            if (!read.IsCompleted)
            {
                // Cancel, not CancelAsync: the handler's callback closes the connection here and now, not whenever
                // the thread pool gets to it.
                cancel.Cancel();
            }

            await EndQuietlyAsync(read.AsTask()).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>Waits (boundedly) for a read that disposal cancelled; whatever it ends with is expected and observed.</summary>
    private async Task EndQuietlyAsync(Task<int> read)
    {
        try
        {
            await read.WaitAsync(AbortWait, _idle.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A stream that ignores cancellation: stop waiting, and observe its end whenever it comes.
            _ = read.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // The cancellation, or the connection closing under it: what disposal asked for.
        }
    }

    private void Account(ReadOnlySpan<byte> buffer, int read)
    {
        if (read == 0)
        {
            // A read into room that returns nothing is the end of the body.
            _ended |= !buffer.IsEmpty;
            return;
        }

        BytesRead += read;
        SseMetrics.Bytes.Add(read);
    }
}
