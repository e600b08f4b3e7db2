namespace ResilientSse.Http.Internal;

/// <summary>
/// Removes HTTP/1.1 chunked framing (RFC 9112 §7.1) in place: the raw bytes read into a buffer are rewritten as the
/// payload they carry, so that a body read needs no buffer of its own. Chunk sizes, extensions and trailers may be
/// split across reads anywhere; the state between reads is a few fields.
/// </summary>
internal struct ChunkedDecoder
{
    /// <summary>The most bytes a chunk's size, its extensions or the trailer section may take: past it the response is refused.</summary>
    internal const int MaxFramingLineLength = 16 * 1024;

    private State _state;
    private long _remaining;
    private int _lineLength;
    private bool _sawDigit;

    private enum State
    {
        Size,
        Extension,
        SizeLineFeed,
        Data,
        DataCarriageReturn,
        DataLineFeed,
        TrailerLineStart,
        TrailerLine,
        TrailerEndLineFeed,
        Done,
    }

    /// <summary>Gets whether the last chunk and its trailer section have been read.</summary>
    public readonly bool IsDone => _state == State.Done;

    /// <summary>Gets whether bytes came after the end of the body (so the connection cannot carry another response).</summary>
    public bool HasExcess { readonly get; private set; }

    /// <summary>
    /// Decodes <paramref name="buffer"/> in place and returns how many payload bytes now start it. Bytes after the end of
    /// the body are ignored.
    /// </summary>
    /// <exception cref="HttpIOException">The framing is not chunked encoding.</exception>
    public int Decode(Span<byte> buffer)
    {
        var written = 0;
        var i = 0;
        while (i < buffer.Length && _state != State.Done)
        {
            if (_state == State.Data)
            {
                var take = (int)Math.Min(_remaining, buffer.Length - i);
                if (i != written)
                {
                    buffer.Slice(i, take).CopyTo(buffer[written..]); // over the framing before it
                }

                (written, i, _remaining) = (written + take, i + take, _remaining - take);
                _state = _remaining == 0 ? State.DataCarriageReturn : State.Data;
                continue;
            }

            Step(buffer[i++]);
        }

        HasExcess |= i < buffer.Length;
        return written;
    }

    private void Step(byte b)
    {
        switch (_state)
        {
            case State.Size when HexValue(b) is var digit and >= 0:
                if (_remaining > (long.MaxValue >> 4))
                {
                    throw Invalid("a chunk size larger than any body");
                }

                CountFramingByte("a chunk size"); // leading zeros without end are refused like an endless extension
                (_remaining, _sawDigit) = ((_remaining << 4) | (uint)digit, true);
                break;
            case State.Size when b is (byte)';' or (byte)' ' or (byte)'\t' && _sawDigit:
                (_state, _lineLength) = (State.Extension, 0);
                break;
            case State.Size or State.Extension when b == '\r' && _sawDigit:
                _state = State.SizeLineFeed;
                break;
            case State.Size or State.Extension or State.SizeLineFeed when b == '\n' && _sawDigit:
                EndSizeLine();
                break;
            case State.Extension:
                CountFramingByte("a chunk extension");
                break;
            case State.DataCarriageReturn when b == '\r':
                _state = State.DataLineFeed;
                break;
            case State.DataCarriageReturn or State.DataLineFeed when b == '\n':
                (_state, _sawDigit, _lineLength) = (State.Size, false, 0);
                break;
            case State.TrailerLineStart when b == '\r':
                _state = State.TrailerEndLineFeed;
                break;
            case State.TrailerLineStart or State.TrailerEndLineFeed when b == '\n':
                _state = State.Done;
                break;
            case State.TrailerLineStart or State.TrailerLine:
                CountFramingByte("the trailer section");
                _state = b == '\n' ? State.TrailerLineStart : State.TrailerLine;
                break;
            default:
                throw Invalid(_state switch
                {
                    State.Size => $"byte 0x{b:X2} where a chunk size was expected",
                    State.SizeLineFeed or State.TrailerEndLineFeed => $"byte 0x{b:X2} after a carriage return instead of a line feed",
                    _ => $"byte 0x{b:X2} after a chunk's data instead of its line end",
                });
        }
    }

    private void EndSizeLine()
    {
        _state = _remaining == 0 ? State.TrailerLineStart : State.Data;
        _lineLength = 0;
    }

    private void CountFramingByte(string what)
    {
        if (++_lineLength > MaxFramingLineLength)
        {
            throw Invalid($"{what} longer than {MaxFramingLineLength} bytes");
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static HttpIOException Invalid(string what) =>
        new(HttpRequestError.InvalidResponse, $"The response body's chunked encoding is invalid: {what}.");
}
