using System.Buffers;

namespace ResilientSse.Http.Internal;

/// <summary>
/// A response body read straight from its connection: bytes go from the socket into the reader's buffer, and chunked
/// framing is removed in place, so the body holds no buffer of its own while the reader waits. A zero-byte read waits
/// on the socket itself. The only buffer is the rest of the read that held the headers, returned to the pool once the
/// reader has taken it. The connection is given back for reuse as soon as the body has ended cleanly with nothing
/// after it, and closed otherwise: at the end of the body, or at disposal if that comes first.
/// </summary>
internal sealed class Http1BodyStream : Stream
{
    private readonly Stream _connection;
    private readonly Http1Framing _framing;
    private readonly Http1Reuse? _reuse;
    private byte[]? _leftover;
    private int _leftoverStart;
    private readonly int _leftoverEnd;
    private long _remaining;
    private ChunkedDecoder _chunked;
    private bool _ended;
    private bool _reusable = true;
    private readonly bool _excess;
    private int _disposed;
    private int _released;

    /// <param name="connection">The connection, positioned after the headers; the body owns it.</param>
    /// <param name="framing">How the body's end is known.</param>
    /// <param name="contentLength">The body's length, for <see cref="Http1Framing.ContentLength"/>.</param>
    /// <param name="leftover">A pooled buffer holding body bytes read with the headers, or null; the body returns it.</param>
    /// <param name="start">Where those bytes start.</param>
    /// <param name="end">Where they end.</param>
    /// <param name="reuse">Where the connection goes once the body has ended cleanly, or null to close it.</param>
    public Http1BodyStream(Stream connection, Http1Framing framing, long contentLength, byte[]? leftover, int start, int end, Http1Reuse? reuse = null)
    {
        _connection = connection;
        _framing = framing;
        _reuse = reuse;
        _remaining = contentLength;
        _ended = framing == Http1Framing.None || (framing == Http1Framing.ContentLength && contentLength == 0);
        if (leftover is not null && start < end && !_ended)
        {
            (_leftover, _leftoverStart, _leftoverEnd) = (leftover, start, end);
        }
        else if (leftover is not null)
        {
            _excess = start != end; // bytes after a body that has already ended: the connection is out of step
            ArrayPool<byte>.Shared.Return(leftover);
        }

        if (_ended)
        {
            Release();
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_ended)
        {
            return 0;
        }

        // Cleared only by a read that completes: one that failed or was cancelled leaves the connection out of step,
        // and the body cannot be read further (the framing's state is no longer the connection's).
        if (!_reusable)
        {
            throw new HttpIOException(HttpRequestError.Unknown, "An earlier read of this response body failed or was cancelled; the body cannot be read further.");
        }

        _reusable = false;
        if (buffer.IsEmpty)
        {
            // Waits for data without a buffer: the point of this stream for an idle reader.
            if (_leftover is null)
            {
                await _connection.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            }

            _reusable = true;
            return 0;
        }

        while (true)
        {
            var room = _framing == Http1Framing.ContentLength ? buffer[..(int)Math.Min(buffer.Length, _remaining)] : buffer;
            var read = TakeLeftover(room.Span);
            if (read == 0)
            {
                read = await _connection.ReadAsync(room, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return EndOfConnection();
                }
            }

            switch (_framing)
            {
                case Http1Framing.ContentLength:
                    _remaining -= read;
                    (_ended, _reusable) = (_remaining == 0, true);
                    ReleaseIfEnded();
                    return read;
                case Http1Framing.Chunked:
                    var payload = _chunked.Decode(room.Span[..read]);
                    _ended = _chunked.IsDone;
                    if (payload > 0 || _ended)
                    {
                        _reusable = true;
                        ReleaseIfEnded();
                        return payload;
                    }

                    continue; // framing only: read on
                default:
                    _reusable = true; // the read completed (an until-close body is never reused all the same)
                    return read;
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
            if (Interlocked.Exchange(ref _leftover, null) is { } leftover)
            {
                ArrayPool<byte>.Shared.Return(leftover);
            }
        }

        base.Dispose(disposing);
    }

    private void ReleaseIfEnded()
    {
        if (_ended)
        {
            Release();
        }
    }

    /// <summary>Once: gives the connection back when the body ended cleanly with nothing after it, or closes it.</summary>
    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        if (_reuse is not null && _ended && _reusable && !_excess && _leftover is null && !_chunked.HasExcess)
        {
            _reuse.Return(_connection);
        }
        else
        {
            _connection.Dispose();
        }
    }

    private int TakeLeftover(Span<byte> destination)
    {
        if (_leftover is not { } leftover)
        {
            return 0;
        }

        var count = Math.Min(destination.Length, _leftoverEnd - _leftoverStart);
        leftover.AsSpan(_leftoverStart, count).CopyTo(destination);
        _leftoverStart += count;
        if (_leftoverStart == _leftoverEnd && Interlocked.CompareExchange(ref _leftover, null, leftover) == leftover)
        {
            ArrayPool<byte>.Shared.Return(leftover); // once, whether this or a disposal on another thread takes it
        }

        return count;
    }

    private int EndOfConnection()
    {
        if (_framing == Http1Framing.UntilClose)
        {
            _ended = true;
            Release();
            return 0;
        }

        throw new HttpIOException(HttpRequestError.ResponseEnded, _framing == Http1Framing.ContentLength
            ? $"The server closed the connection {_remaining} byte(s) before the end of the response body its Content-Length announced."
            : "The server closed the connection before the last chunk of the response body.");
    }
}
