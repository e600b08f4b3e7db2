using System.Text;

namespace ResilientSse.Watcher.Doctor;

/// <summary>
/// Splits the raw bytes of an event stream into lines (<c>\n</c>, <c>\r\n</c> or <c>\r</c>, as WHATWG allows), counting
/// every byte but keeping at most <see cref="MaxKeptBytes"/> of a line, so that a huge event is measured without being held.
/// </summary>
internal sealed class SseLineSplitter
{
    /// <summary>How much of one line is kept for its text; the rest is only counted.</summary>
    public const int MaxKeptBytes = 64 * 1024;

    private readonly List<byte> _line = [];
    private long _lineBytes;
    private bool _afterCarriageReturn;

    /// <summary>Feeds a chunk; <paramref name="onLine"/> gets each completed line's text (UTF-8, cut at the kept bytes) and its size with its line end.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, Action<string, long> onLine)
    {
        foreach (var b in chunk)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (b == (byte)'\n')
                {
                    // The \n of a \r\n: the line was already given out at the \r; the byte counts with the next line.
                    _lineBytes++;
                    continue;
                }
            }

            if (b is (byte)'\n' or (byte)'\r')
            {
                _afterCarriageReturn = b == (byte)'\r';
                var text = Encoding.UTF8.GetString([.. _line]);
                var size = _lineBytes + 1;
                _line.Clear();
                _lineBytes = 0;
                onLine(text, size);
                continue;
            }

            _lineBytes++;
            if (_line.Count < MaxKeptBytes)
            {
                _line.Add(b);
            }
        }
    }
}
