using System.Globalization;
using System.Text;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// Follows the bytes of one HTTP/1.1 response as the proxy forwards them, one byte at a time: the head, the body's
/// framing (chunked, Content-Length, or up to the close), and, for an event stream, the SSE lines inside the payload.
/// The state always describes what was forwarded so far, so that the proxy can decide where to stop before a byte.
/// </summary>
internal sealed class ResponseTracker
{
    private const int KeptLineBytes = 256;

    private readonly bool _chunked;
    private readonly long? _contentLength;
    private readonly bool _bodyless;
    private readonly bool _eventStream;
    private readonly byte[] _line = new byte[KeptLineBytes];
    private readonly StringBuilder _chunkSizeLine = new();
    private Framing _framing = Framing.Head;
    private long _remaining;
    private bool _trailerLineEmpty = true;
    private bool _blockHasId;
    private string? _blockId;

    public ResponseTracker(int headLength, bool chunked, long? contentLength, bool bodyless, bool eventStream)
    {
        HeadLength = headLength;
        _chunked = chunked;
        _contentLength = contentLength;
        _bodyless = bodyless;
        _eventStream = eventStream;
    }

    private enum Framing
    {
        Head,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Plain,
        Done,
    }

    public int HeadLength { get; }

    /// <summary>Bytes forwarded so far, head included.</summary>
    public long WireBytes { get; private set; }

    public bool InHead => WireBytes < HeadLength;

    /// <summary>Whether the next byte belongs to the body's payload (not to the head or the chunk framing).</summary>
    public bool NextIsPayload => _framing is Framing.ChunkData or Framing.Plain;

    /// <summary>Whether the whole response, by its framing, was forwarded.</summary>
    public bool MessageComplete => _framing == Framing.Done;

    public int CompleteEvents { get; private set; }

    public int? RetrySeen { get; private set; }

    public string? LastId { get; private set; }

    /// <summary>Whether the last payload byte ended a block (a blank line).</summary>
    public bool JustEndedBlock { get; private set; }

    /// <summary>Whether the last payload byte was a CR that may be followed by the LF of the same line end.</summary>
    public bool AfterCr { get; private set; }

    /// <summary>Payload bytes since the last block ended.</summary>
    public int BytesIntoBlock { get; private set; }

    /// <summary>Bytes of the current line forwarded so far (0 at a line start).</summary>
    public int LineLength { get; private set; }

    /// <summary>Continuation bytes still owed by the last UTF-8 lead byte forwarded.</summary>
    public int PendingContinuation { get; private set; }

    public bool MultiByteSeenInBlock { get; private set; }

    public bool InDataLine { get; private set; }

    public void Advance(byte value)
    {
        WireBytes++;
        switch (_framing)
        {
            case Framing.Head:
                if (WireBytes == HeadLength)
                {
                    StartBody();
                }

                break;
            case Framing.ChunkSize:
                if (value == '\n')
                {
                    var text = _chunkSizeLine.ToString();
                    _chunkSizeLine.Clear();
                    var size = long.Parse(text.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    (_framing, _remaining, _trailerLineEmpty) = size == 0 ? (Framing.Trailers, 0, true) : (Framing.ChunkData, size, true);
                }
                else if (value != '\r')
                {
                    _chunkSizeLine.Append((char)value);
                }

                break;
            case Framing.ChunkData:
                Payload(value);
                if (--_remaining == 0)
                {
                    _framing = Framing.ChunkDataEnd;
                }

                break;
            case Framing.ChunkDataEnd:
                if (value == '\n')
                {
                    _framing = Framing.ChunkSize;
                }

                break;
            case Framing.Trailers:
                if (value == '\n')
                {
                    if (_trailerLineEmpty)
                    {
                        _framing = Framing.Done;
                    }

                    _trailerLineEmpty = true;
                }
                else if (value != '\r')
                {
                    _trailerLineEmpty = false;
                }

                break;
            case Framing.Plain:
                Payload(value);
                if (_remaining > 0 && --_remaining == 0)
                {
                    _framing = Framing.Done;
                }

                break;
            default:
                break;
        }
    }

    private void StartBody()
    {
        if (_bodyless || _contentLength == 0)
        {
            _framing = Framing.Done;
        }
        else if (_chunked)
        {
            _framing = Framing.ChunkSize;
        }
        else
        {
            (_framing, _remaining) = (Framing.Plain, _contentLength ?? -1);
        }
    }

    private void Payload(byte value)
    {
        if (!_eventStream)
        {
            return;
        }

        if (AfterCr)
        {
            AfterCr = false;
            if (value == '\n')
            {
                // The LF of a CRLF: the line ended at the CR already.
                return;
            }
        }

        if (value is (byte)'\r' or (byte)'\n')
        {
            EndLine();
            AfterCr = value == '\r';
            return;
        }

        JustEndedBlock = false;
        BytesIntoBlock++;
        if (LineLength < KeptLineBytes)
        {
            _line[LineLength] = value;
        }

        LineLength++;
        if (LineLength == 5)
        {
            InDataLine = _line.AsSpan(0, 5).SequenceEqual("data:"u8);
        }

        if ((value & 0xC0) == 0x80)
        {
            PendingContinuation = Math.Max(0, PendingContinuation - 1);
        }
        else
        {
            PendingContinuation = (value & 0xE0) == 0xC0 ? 1 : (value & 0xF0) == 0xE0 ? 2 : (value & 0xF8) == 0xF0 ? 3 : 0;
        }

        MultiByteSeenInBlock |= value >= 0x80;
    }

    private void EndLine()
    {
        if (LineLength == 0)
        {
            // A blank line ends the block; a block with an id: is an event the client now has whole.
            if (_blockHasId)
            {
                CompleteEvents++;
                LastId = _blockId;
            }

            (_blockHasId, _blockId, JustEndedBlock, BytesIntoBlock, MultiByteSeenInBlock) = (false, null, true, 0, false);
        }
        else
        {
            var line = Encoding.UTF8.GetString(_line, 0, Math.Min(LineLength, KeptLineBytes));
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            value = value.StartsWith(' ') ? value[1..] : value;
            if (name == "id" && !value.Contains('\0', StringComparison.Ordinal))
            {
                (_blockHasId, _blockId) = (true, value);
            }
            else if (name == "retry" && value.Length > 0 && value.All(char.IsAsciiDigit) && int.TryParse(value, CultureInfo.InvariantCulture, out var retry))
            {
                RetrySeen = retry;
            }
        }

        (LineLength, InDataLine, PendingContinuation) = (0, false, 0);
    }
}
