namespace ResilientSse.Streaming.Internal;

/// <summary>
/// Measures, in the raw bytes of a stream as they are read, the event block in progress — the bytes since the last
/// blank line — and fails as soon as it would pass the limit, before the parser has to buffer it. Lines end with
/// CR, LF or CRLF (WHATWG), also when a CRLF is split across reads. The usual cost per read is one short backward
/// scan: the last blank line is almost always within the last few lines.
/// </summary>
internal struct EventBlockMeter
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    private readonly int _limit;
    private long _sinceBoundary;

    // The last two bytes before the current read; a stream starts as if after a blank line.
    private byte _previous1;
    private byte _previous2;

    public EventBlockMeter(int limit)
    {
        _limit = limit;
        _previous1 = LF;
        _previous2 = LF;
    }

    /// <summary>Gets the bytes read since the last blank line.</summary>
    public readonly long BytesSinceBoundary => _sinceBoundary;

    /// <summary>Gets whether the bytes read so far end exactly after a blank line (or nothing was read).</summary>
    public readonly bool AtBoundary => _sinceBoundary == 0;

    /// <summary>Accounts for <paramref name="chunk"/>, the next bytes of the stream.</summary>
    /// <exception cref="SseLimitExceededException">An event block passed the limit.</exception>
    public void Observe(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        var boundaryEnd = FindLastBoundaryEnd(chunk);
        if (boundaryEnd < 0)
        {
            _sinceBoundary += chunk.Length;
        }
        else
        {
            // Blocks that ended inside this read must have fitted too; checked exactly only when they might not have.
            if (_sinceBoundary + boundaryEnd > _limit)
            {
                CheckEndedBlocks(chunk);
            }

            _sinceBoundary = chunk.Length - boundaryEnd;
        }

        (_previous2, _previous1) = chunk.Length >= 2 ? (chunk[^2], chunk[^1]) : (_previous1, chunk[0]);
        if (_sinceBoundary > _limit)
        {
            throw LimitExceeded();
        }
    }

    private readonly SseLimitExceededException LimitExceeded() => new(_limit,
        $"The server sent an event or line larger than MaxEventSize ({_limit} bytes); the subscription was ended without reading the rest. " +
        "If such events are expected, raise SseClientOptions.MaxEventSize.");

    /// <summary>Returns the index just after the last blank line's terminator in <paramref name="chunk"/>, or -1.</summary>
    private readonly int FindLastBoundaryEnd(ReadOnlySpan<byte> chunk)
    {
        var end = chunk.Length;
        while (true)
        {
            var last = chunk[..end].LastIndexOfAny(CR, LF);
            if (last < 0)
            {
                return -1;
            }

            var start = chunk[last] == LF && ByteAt(chunk, last - 1) == CR ? last - 1 : last;
            if (ByteAt(chunk, start - 1) is CR or LF)
            {
                return last + 1;
            }

            if (start <= 0)
            {
                return -1;
            }

            end = start;
        }
    }

    /// <summary>Walks the blocks that end inside <paramref name="chunk"/> and fails if one of them passed the limit.</summary>
    private readonly void CheckEndedBlocks(ReadOnlySpan<byte> chunk)
    {
        var blockStart = -_sinceBoundary;
        var atLineStart = _previous1 is CR or LF;
        var pendingCr = _previous1 == CR;
        for (var i = 0; i < chunk.Length; i++)
        {
            var b = chunk[i];
            if (pendingCr && b == LF)
            {
                // The LF of a blank line's CRLF belongs to the boundary, not to the next block (as in FindLastBoundaryEnd).
                if (blockStart == i)
                {
                    blockStart = i + 1;
                }

                pendingCr = false;
                continue;
            }

            pendingCr = b == CR;
            if (b is CR or LF)
            {
                if (atLineStart)
                {
                    if (i + 1 - blockStart > _limit)
                    {
                        throw LimitExceeded();
                    }

                    blockStart = i + 1;
                }

                atLineStart = true;
            }
            else
            {
                atLineStart = false;
            }
        }
    }

    private readonly byte ByteAt(ReadOnlySpan<byte> chunk, int index) => index switch
    {
        >= 0 => chunk[index],
        -1 => _previous1,
        _ => _previous2,
    };
}
