namespace ResilientSse.ReferenceServer.Store;

/// <summary>
/// Executions and their event logs. Implementations are thread-safe and asynchronous: a store with round trips (Redis)
/// waits for its replies without holding a thread, so a burst of requests cannot starve the thread pool; a local one
/// (memory, SQLite) completes synchronously.
/// </summary>
/// <remarks>
/// A cancelled read stops waiting for its answer. A write observes its token only before it is sent: once sent, it is
/// awaited to its end, since a caller that stopped waiting could not know whether it landed.
/// </remarks>
internal interface IExecutionStore : IDisposable
{
    /// <summary>
    /// Adds <paramref name="execution"/> with <paramref name="started"/> (its <c>workflow.started</c>, id 1) as the first
    /// event of its log, atomically: no reader, and no restart after a crash, ever sees one without the other.
    /// </summary>
    ValueTask CreateAsync(ExecutionRecord execution, StoredEvent started, CancellationToken cancellationToken = default);

    /// <summary>The execution <paramref name="id"/>, or null when there is none.</summary>
    ValueTask<ExecutionRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every execution, newest first.</summary>
    ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets whether other servers write to this store too: live events then come from the store's own feed (every
    /// node's appends), not from this server's appends alone, and executions left running belong to whoever holds them.
    /// </summary>
    bool IsShared => false;

    /// <summary>Appends <paramref name="stored"/> to the log and replaces the record with <paramref name="updated"/>, atomically.</summary>
    /// <exception cref="AppendConflictException">
    /// <paramref name="stored"/>'s id is not the log's next one, or the execution has ended: nothing was written.
    /// </exception>
    ValueTask AppendAsync(StoredEvent stored, ExecutionRecord updated, CancellationToken cancellationToken = default);

    /// <summary>The events of <paramref name="id"/> with ids greater than <paramref name="after"/>, in order.</summary>
    ValueTask<IReadOnlyList<StoredEvent>> ReadAfterAsync(string id, long after, CancellationToken cancellationToken = default);

    /// <summary>Executions that are neither completed, failed nor cancelled.</summary>
    ValueTask<IReadOnlyList<ExecutionRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default);
}
