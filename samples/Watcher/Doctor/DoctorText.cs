using System.Globalization;

namespace ResilientSse.Watcher.Doctor;

/// <summary>Durations and sizes as the doctor's report writes them and its options read them.</summary>
internal static class DoctorText
{
    /// <summary><c>250ms</c>, <c>1.5s</c>, <c>15s</c>, <c>2m</c>.</summary>
    public static string Duration(TimeSpan value) => value switch
    {
        _ when value < TimeSpan.FromSeconds(1) => Invariant($"{Math.Round(value.TotalMilliseconds):0}ms"),
        _ when value < TimeSpan.FromSeconds(10) => Invariant($"{value.TotalSeconds:0.#}s"),
        _ when value < TimeSpan.FromMinutes(2) => Invariant($"{value.TotalSeconds:0}s"),
        _ => Invariant($"{value.TotalMinutes:0.#}m"),
    };

    /// <summary><c>412 B</c>, <c>3.2 KiB</c>, <c>1 MiB</c>.</summary>
    public static string Bytes(long value) => value switch
    {
        < 1024 => Invariant($"{value} B"),
        < 1024 * 1024 => Invariant($"{value / 1024.0:0.#} KiB"),
        _ => Invariant($"{value / (1024.0 * 1024):0.#} MiB"),
    };

    /// <summary>Reads <c>65536</c>, <c>64KiB</c>, <c>1MiB</c> (also <c>KB</c>/<c>MB</c>, taken as binary units).</summary>
    public static bool TryParseBytes(string? text, out long value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var (number, scale) = trimmed.ToUpperInvariant() switch
        {
            var t when t.EndsWith("KIB", StringComparison.Ordinal) || t.EndsWith("KB", StringComparison.Ordinal) || t.EndsWith('K') => (trimmed.TrimEnd('B', 'b', 'I', 'i').TrimEnd('K', 'k'), 1024L),
            var t when t.EndsWith("MIB", StringComparison.Ordinal) || t.EndsWith("MB", StringComparison.Ordinal) || t.EndsWith('M') => (trimmed.TrimEnd('B', 'b', 'I', 'i').TrimEnd('M', 'm'), 1024L * 1024),
            var t when t.EndsWith('B') => (trimmed[..^1], 1L),
            _ => (trimmed, 1L),
        };
        if (!long.TryParse(number.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount > long.MaxValue / scale)
        {
            return false;
        }

        value = amount * scale;
        return true;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
