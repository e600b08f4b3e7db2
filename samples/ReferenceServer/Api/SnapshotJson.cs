using System.Globalization;
using System.Text.Json;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>Writes snapshots exactly as CONTRACT §1 shows them (camelCase, nulls written out).</summary>
internal static class SnapshotJson
{
    public static void Write(Utf8JsonWriter writer, ExecutionRecord execution)
    {
        writer.WriteStartObject();
        writer.WriteString("id", execution.Id);
        writer.WriteString("workflowId", execution.WorkflowId);
        writer.WriteString("status", execution.Status);
        writer.WriteString("startedAt", Timestamps.Format(execution.StartedAt));
        if (execution.CompletedAt is { } completedAt)
        {
            writer.WriteString("completedAt", Timestamps.Format(completedAt));
        }
        else
        {
            writer.WriteNull("completedAt");
        }

        if (execution.ExecutionTime is { } time)
        {
            writer.WriteNumber("executionTime", time);
        }
        else
        {
            writer.WriteNull("executionTime");
        }

        if (execution.LastEventId > 0)
        {
            writer.WriteString("lastEventId", execution.LastEventId.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull("lastEventId");
        }

        writer.WritePropertyName("output");
        if (execution.OutputJson is { } output)
        {
            writer.WriteRawValue(output);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteString("error", execution.Error);
        writer.WriteEndObject();
    }

    public static IResult Result(ExecutionRecord execution, int statusCode = StatusCodes.Status200OK, string? location = null) =>
        new JsonResult(writer => Write(writer, execution), statusCode, location);

    public static IResult ListResult(IReadOnlyList<ExecutionRecord> executions) => new JsonResult(writer =>
    {
        writer.WriteStartArray();
        foreach (var execution in executions)
        {
            Write(writer, execution);
        }

        writer.WriteEndArray();
    });
}
