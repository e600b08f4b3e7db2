using System.Runtime.CompilerServices;
using System.Text;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// The <c>event:</c> values of one stream as strings, reusing one of the last few seen: streams repeat a handful of
/// types, so most events cost no string.
/// </summary>
internal sealed class EventTypeCache
{
    private readonly string?[] _recent = new string?[4];
    private int _next;

    /// <summary>The type <paramref name="value"/> spells, from the cache when it is one of the last few seen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Get(ReadOnlySpan<byte> value)
    {
        foreach (var cached in _recent)
        {
            if (cached is not null && cached.Length == value.Length && Ascii.Equals(value, cached))
            {
                return cached;
            }
        }

        var type = Encoding.UTF8.GetString(value);
        _recent[_next] = type;
        _next = (_next + 1) % _recent.Length;
        return type;
    }
}
