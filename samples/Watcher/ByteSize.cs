using System.Globalization;

namespace ResilientSse.Watcher;

/// <summary>Sizes as people write them: <c>1048576</c>, <c>512KiB</c>, <c>10MiB</c> (also <c>B</c>, <c>GiB</c>; binary units).</summary>
internal static class ByteSize
{
    private static readonly (string Unit, long Scale)[] Units =
    [
        ("GiB", 1L << 30),
        ("MiB", 1L << 20),
        ("KiB", 1L << 10),
        ("B", 1),
    ];

    /// <summary>Reads a whole number of bytes, optionally with a unit; the result must fit an <see cref="int"/> and be positive.</summary>
    public static bool TryParse(string? text, out int bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var number = text.Trim();
        long scale = 1;
        foreach (var (unit, unitScale) in Units)
        {
            if (number.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
            {
                number = number[..^unit.Length].TrimEnd();
                scale = unitScale;
                break;
            }
        }

        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount > int.MaxValue / scale)
        {
            return false;
        }

        bytes = (int)(amount * scale);
        return true;
    }

    /// <summary>Writes a size in the largest binary unit that divides it: <c>1MiB</c>, <c>512KiB</c>, <c>1000B</c>.</summary>
    public static string Format(long bytes)
    {
        foreach (var (unit, scale) in Units)
        {
            if (bytes >= scale && bytes % scale == 0)
            {
                return (bytes / scale).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }
}
