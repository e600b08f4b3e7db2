using ResilientSse.Executions;
using ResilientSse.Watcher.Commands;

namespace ResilientSse.Watcher.Output;

/// <summary>The lines a watch ends with: events by source, reconnects, gaps, duplicates, the terminal event and its delay.</summary>
internal static class WatchSummary
{
    public static void Write(WatchStatistics statistics, TextWriter info)
    {
        var delay = statistics.TerminalDelay() is { } d ? Duration.Format(d) : "unknown";
        info.WriteLine();
        info.WriteLine($"Summary: {statistics.StreamEvents + statistics.SnapshotEvents} events ({statistics.StreamEvents} from the stream, {statistics.SnapshotEvents} from the snapshot), " +
            $"{statistics.Reconnects} reconnects, {statistics.Gaps} gaps, {statistics.Duplicates} duplicates dropped.");
        info.WriteLine($"Terminal event: {Terminal(statistics)}; from the server writing it to the watcher yielding it: {delay}.");
    }

    private static string Terminal(WatchStatistics statistics) => statistics.Terminal is { } terminal
        ? $"{terminal.Type} ({JsonLines.StatusName(terminal.Status)}, from the {(terminal.Source == ExecutionEventSource.Snapshot ? "snapshot" : "stream")})"
        : "none";
}
