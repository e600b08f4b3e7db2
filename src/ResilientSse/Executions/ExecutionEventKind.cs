namespace ResilientSse.Executions;

/// <summary>What an <see cref="ExecutionEvent"/> stands for.</summary>
public enum ExecutionEventKind
{
    /// <summary>An event of the execution's log, or the terminal event built from its snapshot.</summary>
    Event,

    /// <summary>
    /// A run of event ids the watcher could not obtain (the server lost them or refused to replay them);
    /// see <see cref="ExecutionEvent.MissingFrom"/> and <see cref="ExecutionEvent.MissingTo"/>.
    /// </summary>
    Gap,
}
