using System.Text;

namespace ResilientSse.Testing;

/// <summary>Writes the event stream and snapshots of a contract execution (CONTRACT §1–2) for scripted servers.</summary>
internal static class ExecutionScript
{
    public const string Id = "wf_exec_test";
    public const string StreamPath = "/workflow/executions/wf_exec_test/stream";
    public const string SnapshotPath = "/workflow/executions/wf_exec_test";

    /// <summary>The type of event <paramref name="id"/> in a run of <paramref name="stages"/> stages that completes.</summary>
    public static string TypeOf(long id, int stages)
    {
        var last = (2 * stages) + 2;
        return id == 1 ? "workflow.started" : id == last ? "workflow.completed" : id % 2 == 0 ? "node.started" : "node.completed";
    }

    /// <summary>The SSE text of events <paramref name="from"/>..<paramref name="to"/> (inclusive).</summary>
    public static string Events(long from, long to, int stages = 3, int retryMs = 1000)
    {
        var text = new StringBuilder($"retry: {retryMs}\n\n");
        for (var id = from; id <= to; id++)
        {
            var type = TypeOf(id, stages);
            var data = type == "workflow.completed"
                ? $$"""{"executionId":"{{Id}}","status":"completed","executionTime":1234,"output":{"ok":true},"timestamp":"2026-11-24T12:00:00Z"}"""
                : $$"""{"executionId":"{{Id}}","nodeId":"stage-{{(id / 2)}}","timestamp":"2026-11-24T12:00:00Z"}""";
            text.Append($"id: {id}\nevent: {type}\ndata: {data}\n\n");
        }

        return text.ToString();
    }

    public static string Snapshot(string status, long? lastEventId) =>
        $$"""{"id":"{{Id}}","workflowId":"quick","status":"{{status}}","startedAt":"2026-11-24T12:00:00Z","completedAt":{{(status is "running" or "pending" ? "null" : "\"2026-11-24T12:00:01Z\"")}},"executionTime":{{(status is "running" or "pending" ? "null" : "1234")}},"lastEventId":{{(lastEventId is { } id ? $"\"{id}\"" : "null")}},"output":null,"error":null}""";
}
