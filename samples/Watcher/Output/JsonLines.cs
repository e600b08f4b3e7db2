using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary>The exact JSON line shapes of CONTRACT §4.</summary>
internal static partial class JsonLines
{
    /// <summary>How every line is written: non-ASCII text as it is, not as <c>\uXXXX</c> escapes.</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Names and fixed values encoded once, not on every line.
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText TerminalName = JsonEncodedText.Encode("terminal");
    private static readonly JsonEncodedText StatusPropertyName = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText StreamSource = JsonEncodedText.Encode("stream");
    private static readonly JsonEncodedText SnapshotSource = JsonEncodedText.Encode("snapshot");
    private static EncodedName? _lastType;

    /// <summary><c>{"id","type","source","terminal","status","data"}</c>, or for a gap <c>{"type":"gap","source":"watcher","terminal":false,"from","to"}</c>.</summary>
    public static string Format(ExecutionEvent item) => Write(writer => Write(writer, item));

    /// <summary>Writes <see cref="Format(ExecutionEvent)"/>'s object into <paramref name="writer"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(Utf8JsonWriter writer, ExecutionEvent item)
    {
        writer.WriteStartObject();
        if (item.Kind == ExecutionEventKind.Gap)
        {
            writer.WriteString("type", ExecutionEvent.GapType);
            writer.WriteString("source", "watcher");
            writer.WriteBoolean("terminal", false);
            writer.WriteString("from", item.MissingFrom?.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("to", item.MissingTo?.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteString(IdName, item.Id);
            writer.WriteString(TypeName, EncodedType(item.Type));
            writer.WriteString(SourceName, item.Source == ExecutionEventSource.Snapshot ? SnapshotSource : StreamSource);
            writer.WriteBoolean(TerminalName, item.IsTerminal);
            if (item.IsTerminal)
            {
                writer.WriteString(StatusPropertyName, StatusName(item.Status));
            }
            else
            {
                writer.WriteNull(StatusPropertyName);
            }

            writer.WritePropertyName(DataName);
            if (!item.DataUtf8.IsEmpty && IsWrittenAsIs(item.DataUtf8.Span))
            {
                // The text received, which the writer would not change: no document is parsed for it.
                writer.WriteRawValue(item.DataUtf8.Span, skipInputValidation: true);
            }
            else
            {
                WriteData(writer, item.Data);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// The event type encoded as the line writes it, kept from the last event: a stream's events come with a few types,
    /// each one string instance (the parser's cache), so a run of the same type is encoded once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static JsonEncodedText EncodedType(string type)
    {
        var last = _lastType;
        if (last is null || !ReferenceEquals(last.Type, type))
        {
            last = new EncodedName(type, JsonEncodedText.Encode(type, Options.Encoder));
            _lastType = last;
        }

        return last.Encoded;
    }

    /// <summary>
    /// Writes a JSON value as <see cref="JsonElement.WriteTo"/> does. Text the server sent in that very form already —
    /// printable ASCII without escapes, and no space between tokens — is copied as it is instead of written again
    /// token by token: the writer would change none of its bytes (it escapes only quotes, backslashes, control
    /// characters and non-ASCII ones, and drops whitespace between tokens).
    /// </summary>
    public static void WriteData(Utf8JsonWriter writer, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Undefined && JsonMarshal.GetRawUtf8Value(data) is var raw && IsWrittenAsIs(raw))
        {
            writer.WriteRawValue(raw, skipInputValidation: true);
            return;
        }

        data.WriteTo(writer);
    }

    /// <summary>
    /// Whether <see cref="JsonElement.WriteTo"/> would write <paramref name="json"/> (valid JSON) unchanged: printable
    /// ASCII, no backslash (so no escape to normalize), and no space outside strings.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsWrittenAsIs(ReadOnlySpan<byte> json)
    {
        if (json.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) || json.Contains((byte)'\\'))
        {
            return false;
        }

        if (!json.Contains((byte)' '))
        {
            return true;
        }

        // Without backslashes every quote opens or closes a string: a space is between tokens when outside one.
        var inString = false;
        foreach (var b in json)
        {
            if (b == (byte)'"')
            {
                inString = !inString;
            }
            else if (b == (byte)' ' && !inString)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>{"type","data","id"}</c> for <c>tail</c>.</summary>
    public static string FormatTail(string type, string data, string lastEventId) => Write(writer => WriteTail(writer, type, data, lastEventId));

    /// <summary>Writes <see cref="FormatTail"/>'s object into <paramref name="writer"/>.</summary>
    public static void WriteTail(Utf8JsonWriter writer, string type, string data, string lastEventId)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeName, type);
        writer.WriteString(DataName, data);
        writer.WriteString(IdName, lastEventId);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes <see cref="FormatTail"/>'s object for data still in the UTF-8 bytes received: valid UTF-8 is escaped as it
    /// is, without a string in between; anything else is decoded first (each invalid sequence becomes U+FFFD), as the
    /// string overload would get it.
    /// </summary>
    public static void WriteTail(Utf8JsonWriter writer, TailEvent item)
    {
        writer.WriteStartObject();
        writer.WriteString(TypeName, item.Type);
        if (Utf8.IsValid(item.Data))
        {
            writer.WriteString(DataName, item.Data);
        }
        else
        {
            writer.WriteString(DataName, Encoding.UTF8.GetString(item.Data));
        }

        writer.WriteString(IdName, item.LastEventId);
        writer.WriteEndObject();
    }

    /// <summary>A JSON value on one line, as the server sent it.</summary>
    public static string FormatElement(JsonElement element) => Write(element.WriteTo);

    public static string? StatusName(ExecutionStatus? status) => status?.ToString().ToLowerInvariant();

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private sealed record EncodedName(string Type, JsonEncodedText Encoded);
}
