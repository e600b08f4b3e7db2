using System.Diagnostics.Metrics;

namespace ResilientSse.Diagnostics;

/// <summary>
/// The execution watcher's instruments, on the library's meter (<see cref="ResilientSseTelemetry.MeterName"/>): gaps, fallbacks to the snapshot,
/// duplicates dropped, and the delay from the server's terminal event to the watcher yielding it.
/// </summary>
internal static class ExecutionMetrics
{
    private static Meter Meter => LibraryTelemetry.Meter;

    public static readonly Counter<long> Watches = Meter.CreateCounter<long>(
        "resilientsse.execution.watches", "{watch}", "Watches started.");

    public static readonly Counter<long> MissingEvents = Meter.CreateCounter<long>(
        "resilientsse.execution.missing_events", "{event}", "Event ids reported as gaps: the watcher could not obtain them.");

    public static readonly Counter<long> DuplicatesDropped = Meter.CreateCounter<long>(
        "resilientsse.execution.duplicates_dropped", "{event}", "Events dropped because they had been yielded already.");

    public static readonly Counter<long> SnapshotReads = Meter.CreateCounter<long>(
        "resilientsse.execution.snapshot_reads", "{request}", "Snapshot requests made by watches.");

    public static readonly Counter<long> PollingFallbacks = Meter.CreateCounter<long>(
        "resilientsse.execution.polling_fallbacks", "{fallback}", "Times a watch switched to polling the snapshot.");

    public static readonly Histogram<double> TerminalDelay = Meter.CreateHistogram<double>(
        "resilientsse.execution.terminal_delay", "ms", "Time from the server's terminal event (its timestamp or the snapshot's completedAt) to the watcher yielding it.");
}
