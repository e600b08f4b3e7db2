namespace ResilientSse.Executions.Internal;

/// <summary>The named states of a watch (see the transition table in docs/ARCHITECTURE.md).</summary>
internal enum WatchPhase
{
    /// <summary>The stream is the source of events; no terminal snapshot is known.</summary>
    Streaming,

    /// <summary>
    /// The snapshot showed the end: the stream is asked for the events before the terminal one that the watch still
    /// lacks (and, once, for the terminal event itself) before the watch ends from the snapshot.
    /// </summary>
    CatchingUp,

    /// <summary>The stream cannot serve the execution: the snapshot is polled, and the stream tried again now and then.</summary>
    Polling,

    /// <summary>The watch is over.</summary>
    Finished,
}
