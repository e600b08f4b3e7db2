using System.Runtime.CompilerServices;
using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary>
/// <see cref="Write(System.Text.Json.Utf8JsonWriter, ExecutionEvent)"/>'s line for the usual event, put together byte by
/// byte: every string in it printable ASCII without a quote or a backslash (which the writer copies unchanged) and the
/// data text the writer would copy as it is. The same bytes, without the writer's work per property; any other event
/// goes through the writer.
/// </summary>
internal static partial class JsonLines
{
    /// <summary>The most bytes <see cref="WritePlainLine"/> writes for <paramref name="item"/> (its strings are ASCII when it writes them).</summary>
    public static int PlainLineMaxLength(ExecutionEvent item) => 128 + (item.Id?.Length ?? 0) + item.Type.Length + item.DataUtf8.Length;

    /// <summary>
    /// Writes <paramref name="item"/>'s line into <paramref name="destination"/> (at least <see cref="PlainLineMaxLength"/>
    /// bytes) and returns its length; -1, having written nothing that counts, when the line is not of the plain shape.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WritePlainLine(ExecutionEvent item, Span<byte> destination)
    {
        var data = item.DataUtf8.Span;
        var status = item.IsTerminal ? StatusName(item.Status) : null;
        if (item.Kind == ExecutionEventKind.Gap || data.IsEmpty || !IsPlainText(item.Id) || !IsPlainText(item.Type) || !IsPlainText(status)
            || !IsWrittenAsIs(data))
        {
            return -1;
        }

        var at = 0;
        Put(destination, ref at, "{\"id\":"u8);
        PutStringOrNull(destination, ref at, item.Id);
        Put(destination, ref at, ",\"type\":"u8);
        PutStringOrNull(destination, ref at, item.Type);
        Put(destination, ref at, item.Source == ExecutionEventSource.Snapshot ? ",\"source\":\"snapshot\",\"terminal\":"u8 : ",\"source\":\"stream\",\"terminal\":"u8);
        Put(destination, ref at, item.IsTerminal ? "true,\"status\":"u8 : "false,\"status\":"u8);
        PutStringOrNull(destination, ref at, status);
        Put(destination, ref at, ",\"data\":"u8);
        Put(destination, ref at, data);
        Put(destination, ref at, "}"u8);
        return at;
    }

    /// <summary>Whether the writer would copy <paramref name="text"/> between quotes unchanged: printable ASCII, no quote, no backslash (null is written as null).</summary>
    private static bool IsPlainText(string? text) =>
        text is null || (!text.AsSpan().ContainsAnyExceptInRange(' ', '~') && text.AsSpan().IndexOfAny('"', '\\') < 0);

    private static void Put(Span<byte> destination, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        at += bytes.Length;
    }

    // Plain text is ASCII: a byte per character.
    private static void PutStringOrNull(Span<byte> destination, ref int at, string? text)
    {
        if (text is null)
        {
            Put(destination, ref at, "null"u8);
            return;
        }

        destination[at++] = (byte)'"';
        at += System.Text.Encoding.ASCII.GetBytes(text, destination[at..]);
        destination[at++] = (byte)'"';
    }
}
