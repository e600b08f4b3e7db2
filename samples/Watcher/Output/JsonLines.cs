using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary>The exact JSON line shapes of CONTRACT §4.</summary>
internal static class JsonLines
{
    /// <summary>How every line is written: non-ASCII text as it is, not as <c>\uXXXX</c> escapes.</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
            writer.WriteString("id", item.Id);
            writer.WriteString("type", item.Type);
            writer.WriteString("source", item.Source == ExecutionEventSource.Snapshot ? "snapshot" : "stream");
            writer.WriteBoolean("terminal", item.IsTerminal);
            writer.WriteString("status", item.IsTerminal ? StatusName(item.Status) : null);
            writer.WritePropertyName("data");
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
        writer.WriteString("type", type);
        writer.WriteString("data", data);
        writer.WriteString("id", lastEventId);
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
