using System.Globalization;

namespace ResilientSse.Watcher;

/// <summary>
/// Durations as people write them, read and written the same way: <c>250ms</c>, <c>1.3s</c>, <c>10m</c>, <c>1m30s</c>,
/// <c>1h</c>. What <see cref="Format"/> writes, <see cref="TryParse"/> reads back.
/// </summary>
internal static class Duration
{
    private static readonly (string Unit, TimeSpan Scale)[] Units =
    [
        ("ms", TimeSpan.FromMilliseconds(1)),
        ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)),
    ];

    /// <summary>Reads one or more <c>number unit</c> parts (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), e.g. <c>500ms</c>, <c>2s</c>, <c>1m30s</c>.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var total = TimeSpan.Zero;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            rest = rest[digits..];
            var matched = false;
            foreach (var (unit, scale) in Units)
            {
                if (rest.StartsWith(unit, StringComparison.Ordinal))
                {
                    total += scale * amount;
                    rest = rest[unit.Length..];
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                return false;
            }
        }

        if (total <= TimeSpan.Zero)
        {
            return false;
        }

        value = total;
        return true;
    }

    /// <summary>
    /// Writes a duration the way people write it: <c>250ms</c> under a second (<c>2.5ms</c> under ten), <c>1.3s</c> under a
    /// minute, <c>10m</c> or <c>1m30s</c> under an hour, <c>1h</c> or <c>1h5m</c> beyond.
    /// </summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return "-" + Format(-value);
        }

        if (value < TimeSpan.FromMilliseconds(10))
        {
            return Number(Math.Round(value.TotalMilliseconds, 1)) + "ms";
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            var ms = Math.Round(value.TotalMilliseconds);
            return ms >= 1000 ? "1s" : Number(ms) + "ms";
        }

        if (value < TimeSpan.FromMinutes(1))
        {
            var seconds = Math.Round(value.TotalSeconds, 1);
            return seconds >= 60 ? "1m" : Number(seconds) + "s";
        }

        var wholeSeconds = (long)Math.Round(value.TotalSeconds);
        if (wholeSeconds < 3600)
        {
            var (minutes, seconds) = Math.DivRem(wholeSeconds, 60);
            return seconds == 0 ? $"{minutes}m" : $"{minutes}m{seconds}s";
        }

        var wholeMinutes = (long)Math.Round(value.TotalMinutes);
        var (hours, rest) = Math.DivRem(wholeMinutes, 60);
        return rest == 0 ? $"{hours}h" : $"{hours}h{rest}m";
    }

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
