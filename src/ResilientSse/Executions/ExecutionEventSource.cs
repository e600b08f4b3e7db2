namespace ResilientSse.Executions;

/// <summary>Where an <see cref="ExecutionEvent"/> came from.</summary>
public enum ExecutionEventSource
{
    /// <summary>Delivered by the server's event stream, as the server wrote it.</summary>
    Stream,

    /// <summary>Built by the watcher from the execution's terminal snapshot, because the stream could not deliver it.</summary>
    Snapshot,

    /// <summary>Written by the watcher itself, such as a gap report.</summary>
    Watcher,
}
