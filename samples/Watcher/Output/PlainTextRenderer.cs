using System.Globalization;
using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary>Text for pipes and dumb terminals: one plain line per event, no escape codes.</summary>
internal sealed class PlainTextRenderer(BufferedStdout stdout, TextWriter stderr, bool verbose, WatchNarrator narrator) : IEventRenderer
{
    public void Begin(string executionId) => stdout.WriteLine($"Watching {executionId}");

    /// <summary>Buffers the line: the command writes stdout out whenever the stream has nothing more ready.</summary>
    public void Event(ExecutionEvent item) => stdout.AppendLine(Describe(item));

    public void Notice(ExecutionWatchNotice notice)
    {
        var narration = narrator.Narrate(notice);
        if ((verbose ? narration.Line : narration.Show) is { } line)
        {
            stderr.WriteLine($"{WatcherCli.ProgramName}: {line}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>One line for an event: time, id, type, node, where it came from.</summary>
    public static string Describe(ExecutionEvent item)
    {
        var time = item.ReceivedAt.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        if (item.Kind == ExecutionEventKind.Gap)
        {
            return $"{time}  !! events {item.MissingFrom}..{item.MissingTo} could not be obtained";
        }

        var node = item.Data.ValueKind == System.Text.Json.JsonValueKind.Object && item.Data.TryGetProperty("nodeId", out var nodeId) ? " " + nodeId.GetString() : string.Empty;
        var source = item.Source == ExecutionEventSource.Snapshot ? " (from the snapshot)" : string.Empty;
        var id = item.Id is null ? "  -" : item.Id.PadLeft(3);
        var terminal = item.IsTerminal ? $"  => {JsonLines.StatusName(item.Status)}" : string.Empty;
        return $"{time} {id} {item.Type}{node}{source}{terminal}";
    }
}
