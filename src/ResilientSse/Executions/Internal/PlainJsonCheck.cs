namespace ResilientSse.Executions.Internal;

/// <summary>
/// A one-pass check for the JSON servers usually send: one value of objects, arrays, numbers, literals and strings of
/// printable ASCII without escapes, depth at most <see cref="MaxDepth"/>. True means <see cref="System.Text.Json.Utf8JsonReader"/>
/// (default options) reads the bytes as exactly one value; false decides nothing, and the reader then checks.
/// </summary>
/// <remarks>
/// Checking every event's data with the reader cost more than the rest of an event's handling in a watch that streams
/// (benchmarks/RESULTS.md, "CPU per event"); this plain loop answers for the common shape and leaves every other
/// shape — escapes, non-ASCII text, comments, deep nesting, and every error with its message — to the reader.
/// </remarks>
internal static class PlainJsonCheck
{
    /// <summary>The deepest nesting the check follows: well inside the reader's default maximum of 64.</summary>
    public const int MaxDepth = 32;

    /// <summary>Whether <paramref name="utf8"/> is certainly one JSON value in the plain shape; false when not, or not sure.</summary>
    public static bool IsPlainValue(ReadOnlySpan<byte> utf8)
    {
        var i = SkipWhitespace(utf8, 0);
        var depth = 0;
        var objects = 0u; // bit d set: the container at depth d is an object

        // Each pass reads one value (its first byte at i), then what may follow it up to the next value.
        while (true)
        {
            if (i >= utf8.Length)
            {
                return false;
            }

            switch (utf8[i])
            {
                case (byte)'{':
                case (byte)'[':
                    if (depth == MaxDepth)
                    {
                        return false;
                    }

                    var isObject = utf8[i] == (byte)'{';
                    objects = isObject ? objects | (1u << depth) : objects & ~(1u << depth);
                    depth++;
                    i = SkipWhitespace(utf8, i + 1);
                    if (i < utf8.Length && utf8[i] == (isObject ? (byte)'}' : (byte)']'))
                    {
                        depth--;
                        i++;
                        break; // an empty container is a whole value
                    }

                    if (isObject && (i = PropertyName(utf8, i)) < 0)
                    {
                        return false;
                    }

                    continue; // the first value inside

                case (byte)'"':
                    i = StringEnd(utf8, i);
                    break;

                case (byte)'t':
                    i = Literal(utf8, i, "true"u8);
                    break;

                case (byte)'f':
                    i = Literal(utf8, i, "false"u8);
                    break;

                case (byte)'n':
                    i = Literal(utf8, i, "null"u8);
                    break;

                default:
                    i = NumberEnd(utf8, i);
                    break;
            }

            // After a whole value: the end (at the top), a comma and the next value, or closing brackets.
            while (true)
            {
                if (i < 0)
                {
                    return false;
                }

                i = SkipWhitespace(utf8, i);
                if (depth == 0)
                {
                    return i == utf8.Length;
                }

                if (i >= utf8.Length)
                {
                    return false;
                }

                var inObject = (objects & (1u << (depth - 1))) != 0;
                var next = utf8[i];
                if (next == (byte)',')
                {
                    i = SkipWhitespace(utf8, i + 1);
                    if (inObject)
                    {
                        i = PropertyName(utf8, i);
                        if (i < 0)
                        {
                            return false;
                        }
                    }

                    break; // the next value
                }

                if (next != (inObject ? (byte)'}' : (byte)']'))
                {
                    return false;
                }

                depth--;
                i++;
            }
        }
    }

    /// <summary>A property name, the colon and the whitespace around it: the index of the value after it, or -1.</summary>
    private static int PropertyName(ReadOnlySpan<byte> utf8, int i)
    {
        if (i >= utf8.Length || utf8[i] != (byte)'"')
        {
            return -1;
        }

        i = StringEnd(utf8, i);
        if (i < 0)
        {
            return -1;
        }

        i = SkipWhitespace(utf8, i);
        return i < utf8.Length && utf8[i] == (byte)':' ? SkipWhitespace(utf8, i + 1) : -1;
    }

    /// <summary>The index after the string that opens at <paramref name="i"/>; -1 unless it holds printable ASCII only, without a backslash.</summary>
    private static int StringEnd(ReadOnlySpan<byte> utf8, int i)
    {
        for (i++; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b == (byte)'"')
            {
                return i + 1;
            }

            if (b is < 0x20 or > 0x7E or (byte)'\\')
            {
                return -1;
            }
        }

        return -1;
    }

    /// <summary>The index after the number that starts at <paramref name="i"/> (JSON's grammar); -1 when it is none.</summary>
    private static int NumberEnd(ReadOnlySpan<byte> utf8, int i)
    {
        if (i < utf8.Length && utf8[i] == (byte)'-')
        {
            i++;
        }

        if (i >= utf8.Length || !char.IsAsciiDigit((char)utf8[i]))
        {
            return -1;
        }

        // No leading zeros: "01" ends after the 0, and the 1 that follows is no delimiter.
        i = utf8[i] == (byte)'0' ? i + 1 : Digits(utf8, i);
        if (i < utf8.Length && utf8[i] == (byte)'.')
        {
            i = Digits(utf8, i + 1);
            if (i < 0)
            {
                return -1;
            }
        }

        if (i < utf8.Length && (utf8[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < utf8.Length && utf8[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            i = Digits(utf8, i);
        }

        return i;
    }

    /// <summary>The index after one or more digits from <paramref name="i"/>; -1 when there is none.</summary>
    private static int Digits(ReadOnlySpan<byte> utf8, int i)
    {
        var start = i;
        while (i < utf8.Length && char.IsAsciiDigit((char)utf8[i]))
        {
            i++;
        }

        return i > start ? i : -1;
    }

    private static int Literal(ReadOnlySpan<byte> utf8, int i, ReadOnlySpan<byte> literal) =>
        utf8[i..].StartsWith(literal) ? i + literal.Length : -1;

    private static int SkipWhitespace(ReadOnlySpan<byte> utf8, int i)
    {
        while (i < utf8.Length && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }

        return i;
    }
}
