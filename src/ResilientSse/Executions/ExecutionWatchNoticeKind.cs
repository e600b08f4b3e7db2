namespace ResilientSse.Executions;

/// <summary>The kinds of <see cref="ExecutionWatchNotice"/>.</summary>
public enum ExecutionWatchNoticeKind
{
    /// <summary>A stream connection opened.</summary>
    Connected,

    /// <summary>A stream connection ended or failed before the terminal event.</summary>
    Disconnected,

    /// <summary>The watcher waits before its next stream attempt.</summary>
    Reconnecting,

    /// <summary>The watcher read the snapshot to learn whether the execution ended.</summary>
    SnapshotChecked,

    /// <summary>The stream is unusable; the watcher polls the snapshot.</summary>
    PollingStarted,

    /// <summary>The watcher returned from polling to the stream.</summary>
    StreamRestored,

    /// <summary>Ids could not be obtained and were reported as a gap.</summary>
    Gap,

    /// <summary>The server sent an event the watcher had already yielded; it was dropped.</summary>
    DuplicateDropped,
}
