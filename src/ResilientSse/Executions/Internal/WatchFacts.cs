namespace ResilientSse.Executions.Internal;

/// <summary>What the I/O loop knows at a decision, besides the state and the signal.</summary>
/// <param name="LastSequence">The highest sequence number yielded so far; 0 before the first.</param>
/// <param name="SnapshotLast">With <see cref="WatchSignal.SnapshotTerminal"/> or <see cref="WatchSignal.StreamQuiet"/> in streaming: the terminal snapshot's last sequence number.</param>
/// <param name="WaitOwed">Whether the wait the stream's last answer earned (<c>Retry-After</c>, <c>retry:</c>, backoff) has not passed yet.</param>
/// <param name="LongWaitOwed">Whether the wait owed to the stream is longer than the poll interval: the snapshot is polled meanwhile.</param>
/// <param name="StreamRetryDue">In polling: whether it is time to try the stream again.</param>
/// <param name="MaxFailures">The documented bound on <see cref="WatchState.Failures"/> (<see cref="ExecutionWatcherOptions.MaxStreamFailures"/>).</param>
internal readonly record struct WatchFacts(long LastSequence, long SnapshotLast, bool WaitOwed, bool LongWaitOwed, bool StreamRetryDue, int MaxFailures);
