namespace ResilientSse.Executions.Internal;

/// <summary>What a watch does next: the output of <see cref="WatchMachine.Decide"/>, carried out by <see cref="WatchSession"/>.</summary>
internal enum WatchAction
{
    /// <summary>Request the stream (resuming after the last event yielded) once the wait the last answer earned has passed.</summary>
    Connect,

    /// <summary>Read the snapshot now.</summary>
    ReadSnapshot,

    /// <summary>Wait the poll interval (no longer than until the stream is due again), then read the snapshot.</summary>
    PollLater,

    /// <summary>End from the terminal snapshot: a gap for the events still missing before its last one, then the terminal event built from it.</summary>
    FinishFromSnapshot,

    /// <summary>End: the stream's terminal event was yielded.</summary>
    Finish,

    /// <summary>End with <see cref="OfflineBudgetExceededException"/>.</summary>
    GiveUp,
}
