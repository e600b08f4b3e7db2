using System.Buffers;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// The parser's buffers and who may return them: the reader fills them while a read is pending, and disposal — which
/// may come from another thread — returns them only once no read can still write into them.
/// </summary>
internal sealed partial class EventStreamParser
{
    // Who may return the buffers: a pending read may still write into _buffer, so disposal leaves that to its end.
    private const int Idle = 0;
    private const int Reading = 1;
    private const int Disposed = 2;

    /// <summary>
    /// Returns the buffers to the pool — at once, or, while a read into them is pending, when that read ends (the
    /// read then fails with <see cref="ObjectDisposedException"/>). Safe to call from another thread than the reader's.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _state, Disposed) == Idle)
        {
            ReturnBuffers();
        }
    }

    /// <summary>
    /// The slow path of <see cref="MoveNextAsync"/>: awaits the pending read, then goes on as it does, awaiting every
    /// further read here. One awaiter per event, however many reads bring nothing to dispatch: a quiet stream's
    /// heartbeats must not chain an awaiter each (each holding its finished read) until the next event comes.
    /// </summary>
    private async ValueTask<bool> AwaitReadThenMoveNextAsync(ValueTask<int> read)
    {
        while (true)
        {
            int count;
            var open = true;
            try
            {
                count = await read.ConfigureAwait(false);
            }
            finally
            {
                open = EndRead();
            }

            ThrowIfDisposedDuringRead(open);
            Accept(count);
            read = Advance(out var moved);
            if (moved is { } result)
            {
                return result;
            }
        }
    }

    /// <summary>
    /// Dispatches from buffered bytes, reading while reads complete at once: <paramref name="moved"/> is the outcome
    /// (an event, or the end), or null with the pending read returned.
    /// </summary>
    private ValueTask<int> Advance(out bool? moved)
    {
        while (true)
        {
            if (TryDispatchBuffered())
            {
                moved = true;
                return default;
            }

            if (_endOfStream)
            {
                moved = false;
                return default;
            }

            var read = ReadMore();
            if (!read.IsCompletedSuccessfully)
            {
                moved = null;
                return read;
            }

            ThrowIfDisposedDuringRead(EndRead());
            Accept(read.Result);
        }
    }

    /// <summary>
    /// Reads more bytes. With nothing unprocessed, it first waits for data with a zero-byte read: one that completes
    /// at once (the transport holds bytes, or the stream does not wait on zero-byte reads) costs no buffer change;
    /// one that waits gives the buffers back to the pool for the wait and rents again when data is there.
    /// </summary>
    private ValueTask<int> ReadMore()
    {
        ObjectDisposedException.ThrowIf(Interlocked.CompareExchange(ref _state, Reading, Idle) != Idle, this);

        try
        {
            if (_start == _end)
            {
                (_start, _end) = (0, 0);
                var ready = _stream.ReadAsync(Memory<byte>.Empty, _cancellationToken);
                if (!ready.IsCompletedSuccessfully)
                {
                    ReleaseWhileWaiting();
                    return ReadWhenReadyAsync(ready);
                }

                _ = ready.Result;
            }

            return ReadIntoBuffer();
        }
        catch
        {
            EndRead();
            throw;
        }
    }

    /// <summary>Waits for the zero-byte read, then reads into a buffer rented now; the caller's <see cref="EndRead"/> settles disposal meanwhile.</summary>
    private async ValueTask<int> ReadWhenReadyAsync(ValueTask<int> ready)
    {
        await ready.ConfigureAwait(false);

        // Disposed during the wait: rent nothing; the caller's EndRead reports the disposal.
        return Volatile.Read(ref _state) == Disposed ? 0 : await ReadIntoBuffer().ConfigureAwait(false);
    }

    /// <summary>Gives the read buffer back, and the data buffer unless a block's data is in it, for a wait.</summary>
    private void ReleaseWhileWaiting()
    {
        ReturnToPool(ref _buffer);
        _lastReadFilled = false; // the next burst starts small again
        if (_dataLength == 0)
        {
            ReturnToPool(ref _data);
            _dispatchedDataLength = 0;
        }
    }

    /// <summary>
    /// Makes room after the unprocessed bytes (renting, compacting, or growing for a long line or for a stream that
    /// filled the last read: more is waiting, and fewer, larger reads cost less) and reads into it.
    /// </summary>
    private ValueTask<int> ReadIntoBuffer()
    {
        if (_buffer.Length == 0)
        {
            _buffer = _pool.Rent(InitialBufferSize);
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_start, _end) = (0, _end - _start);
        }

        if (_end == _buffer.Length || (_lastReadFilled && _buffer.Length < MaxFlowingBufferSize))
        {
            var larger = _pool.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            _pool.Return(_buffer);
            _buffer = larger;
        }

        _requested = _buffer.Length - _end;
        return _stream.ReadAsync(_buffer.AsMemory(_end), _cancellationToken);
    }

    /// <summary>Notes that the read ended; false when the parser was disposed meanwhile (its buffers are returned now).</summary>
    private bool EndRead()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Reading) == Reading)
        {
            return true;
        }

        ReturnBuffers();
        return false;
    }

    private static void ThrowIfDisposedDuringRead(bool open)
    {
        if (!open)
        {
            throw new ObjectDisposedException(nameof(EventStreamParser), "The parser was disposed while a read was pending.");
        }
    }

    /// <summary>Appends a data line and its LF to the data buffer, renting a larger one from the pool when it is full.</summary>
    private void AppendData(ReadOnlySpan<byte> value)
    {
        var needed = _dataLength + value.Length + 1;
        if (needed > _data.Length)
        {
            var larger = _pool.Rent(Math.Max(needed, Math.Max(_data.Length * 2, InitialDataSize)));
            _data.AsSpan(0, _dataLength).CopyTo(larger);
            ReturnToPool(ref _data);
            _data = larger;
        }

        value.CopyTo(_data.AsSpan(_dataLength));
        _dataLength += value.Length;
        _data[_dataLength++] = LF;
        _hasData = true;
    }

    private void ReturnBuffers()
    {
        ReturnToPool(ref _buffer);
        ReturnToPool(ref _data);
    }

    /// <summary>Returns <paramref name="array"/> to the pool unless it is the empty placeholder, which takes its place.</summary>
    private void ReturnToPool(ref byte[] array)
    {
        if (array.Length > 0)
        {
            _pool.Return(array);
            array = [];
        }
    }
}
