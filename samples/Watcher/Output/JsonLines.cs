using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary>The exact JSON line shapes of CONTRACT §4.</summary>
internal static class JsonLines
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

    /// <summary><c>{"id","type","source","terminal","status","data"}</c>, or for a gap <c>{"type":"gap","source":"watcher","terminal":false,"from","to"}</c>.</summary>
    public static string Format(ExecutionEvent item) => Write(writer => Write(writer, item));

    /// <summary>Writes <see cref="Format(ExecutionEvent)"/>'s object into <paramref name="writer"/>.</summary>
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
            writer.WriteString(TypeName, item.Type);
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
            item.Data.WriteTo(writer);
        }

        writer.WriteEndObject();
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
}
