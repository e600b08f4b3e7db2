using System.Text;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// The <c>event:</c> values of one stream as strings, reusing one of the last few seen: streams repeat a handful of
/// types, so most events cost no string.
/// </summary>
/// <remarks>
/// Each cached type keeps the bytes it was decoded from, so a hit is a byte comparison (the same bytes always decode to
/// the same text), not a comparison of bytes with UTF-16 characters.
/// </remarks>
internal sealed class EventTypeCache
{
    private readonly Entry?[] _recent = new Entry?[4];
    private int _next;

    /// <summary>The type <paramref name="value"/> spells, from the cache when it is one of the last few seen.</summary>
    public string Get(ReadOnlySpan<byte> value)
    {
        foreach (var cached in _recent)
        {
            if (cached is not null && value.SequenceEqual(cached.Utf8))
            {
                return cached.Type;
            }
        }

        var type = Encoding.UTF8.GetString(value);
        _recent[_next] = new Entry(value.ToArray(), type);
        _next = (_next + 1) % _recent.Length;
        return type;
    }

    private sealed record Entry(byte[] Utf8, string Type);
}
