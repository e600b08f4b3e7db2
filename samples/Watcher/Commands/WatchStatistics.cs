using System.Runtime.CompilerServices;
using ResilientSse.Executions;

namespace ResilientSse.Watcher.Commands;

/// <summary>What a watch saw: events by source, gaps, reconnects, duplicates dropped, and the terminal event.</summary>
internal sealed class WatchStatistics
{
    private readonly List<long> _sequences = [];
    private int _reconnects;
    private int _duplicates;

    public IReadOnlyList<long> Sequences => _sequences;

    public int StreamEvents { get; private set; }

    public int SnapshotEvents { get; private set; }

    public long MissingEvents { get; private set; }

    public int Gaps { get; private set; }

    public int Reconnects => Volatile.Read(ref _reconnects);

    public int Duplicates => Volatile.Read(ref _duplicates);

    public ExecutionEvent? Terminal { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ExecutionEvent item)
    {
        if (item.Kind == ExecutionEventKind.Gap)
        {
            Gaps++;
            MissingEvents += item.MissingTo!.Value - item.MissingFrom!.Value + 1;
            return;
        }

        if (item.Sequence is { } sequence)
        {
            _sequences.Add(sequence);
        }

        if (item.Source == ExecutionEventSource.Snapshot)
        {
            SnapshotEvents++;
        }
        else
        {
            StreamEvents++;
        }

        if (item.IsTerminal)
        {
            Terminal = item;
        }
    }

    public void Add(ExecutionWatchNotice notice)
    {
        if (notice.Kind == ExecutionWatchNoticeKind.Reconnecting)
        {
            Interlocked.Increment(ref _reconnects);
        }
        else if (notice.Kind == ExecutionWatchNoticeKind.DuplicateDropped)
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    /// <summary>The time from the server writing the terminal event (its data's <c>timestamp</c>, else <c>completedAt</c>) to the watcher yielding it.</summary>
    public TimeSpan? TerminalDelay()
    {
        if (Terminal is not { Data.ValueKind: System.Text.Json.JsonValueKind.Object } terminal)
        {
            return null;
        }

        foreach (var name in (string[])["timestamp", "completedAt"])
        {
            if (terminal.Data.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String && value.TryGetDateTimeOffset(out var at))
            {
                return terminal.ReceivedAt - at;
            }
        }

        return null;
    }
}
