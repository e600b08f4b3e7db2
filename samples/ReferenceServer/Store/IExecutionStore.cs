namespace ResilientSse.ReferenceServer.Store;

/// <summary>Executions and their event logs. Implementations are thread-safe.</summary>
internal interface IExecutionStore : IDisposable
{
    /// <summary>
    /// Adds <paramref name="execution"/> with <paramref name="started"/> (its <c>workflow.started</c>, id 1) as the first
    /// event of its log, atomically: no reader, and no restart after a crash, ever sees one without the other.
    /// </summary>
    void Create(ExecutionRecord execution, StoredEvent started);

    ExecutionRecord? Get(string id);

    /// <summary>Every execution, newest first.</summary>
    IReadOnlyList<ExecutionRecord> List();

    /// <summary>
    /// Gets whether other servers write to this store too: live events then come from the store's own feed (every
    /// node's appends), not from this server's appends alone, and executions left running belong to whoever holds them.
    /// </summary>
    bool IsShared => false;

    /// <summary>Appends <paramref name="stored"/> to the log and replaces the record with <paramref name="updated"/>, atomically.</summary>
    /// <exception cref="AppendConflictException">
    /// <paramref name="stored"/>'s id is not the log's next one, or the execution has ended: nothing was written.
    /// </exception>
    void Append(StoredEvent stored, ExecutionRecord updated);

    /// <summary>The events of <paramref name="id"/> with ids greater than <paramref name="after"/>, in order.</summary>
    IReadOnlyList<StoredEvent> ReadAfter(string id, long after);

    /// <summary>Executions that are neither completed, failed nor cancelled.</summary>
    IReadOnlyList<ExecutionRecord> ListUnfinished();
}
