using System.Globalization;
using System.Text.Json;

namespace ResilientSse.Executions.Internal;

/// <summary>Reads the snapshot JSON of CONTRACT §1, ignoring unknown fields, and builds terminal events from it.</summary>
internal static class SnapshotParser
{
    public static ExecutionSnapshot Parse(string executionId, string json, ExecutionWatcherOptions options)
    {
        JsonElement root;
        try
        {
            root = JsonElement.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ExecutionProtocolException(executionId, $"the snapshot is not valid JSON ({ex.Message}).", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ExecutionProtocolException(executionId, $"the snapshot must be a JSON object, not {root.ValueKind}.");
        }

        var statusName = ReadString(root, "status")
            ?? throw new ExecutionProtocolException(executionId, "the snapshot has no 'status' string.");
        var status = options.StatusNames.TryGetValue(statusName, out var mapped) ? mapped : ExecutionStatus.Unknown;
        var id = ReadString(root, "id");
        if (id is not null && !string.Equals(id, executionId, StringComparison.Ordinal))
        {
            throw new ExecutionProtocolException(executionId, $"the snapshot describes execution '{id}' instead.");
        }

        return new ExecutionSnapshot(executionId, status, statusName)
        {
            WorkflowId = ReadString(root, "workflowId"),
            StartedAt = ReadTime(root, "startedAt", executionId),
            CompletedAt = ReadTime(root, "completedAt", executionId),
            ExecutionTime = ReadInt64(root, "executionTime") is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : null,
            LastEventId = ReadId(root, "lastEventId"),
            Output = ReadValue(root, "output"),
            Error = ReadValue(root, "error"),
        };
    }

    /// <summary>The data of a terminal event built from a snapshot: the fields a terminal event carries.</summary>
    public static JsonElement BuildTerminalData(ExecutionSnapshot snapshot, DateTimeOffset now)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("executionId", snapshot.Id);
            writer.WriteString("status", snapshot.StatusName);
            if (snapshot.ExecutionTime is { } time)
            {
                writer.WriteNumber("executionTime", (long)time.TotalMilliseconds);
            }
            else
            {
                writer.WriteNull("executionTime");
            }

            WriteValue(writer, "output", snapshot.Output);
            WriteValue(writer, "error", snapshot.Error);
            writer.WriteString("timestamp", (snapshot.CompletedAt ?? now).ToString("O", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, JsonElement? value)
    {
        writer.WritePropertyName(name);
        if (value is { } element)
        {
            element.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? ReadId(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        // Ids are strings in the contract; a number is accepted as its decimal text.
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    private static long? ReadInt64(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    private static DateTimeOffset? ReadTime(JsonElement root, string name, string executionId)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        return value.TryGetDateTimeOffset(out var time)
            ? time
            : throw new ExecutionProtocolException(executionId, $"the snapshot's '{name}' ('{value.GetString()}') is not an ISO 8601 time.");
    }

    private static JsonElement? ReadValue(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? value : null;
}
