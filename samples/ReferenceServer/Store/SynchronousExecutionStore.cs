namespace ResilientSse.ReferenceServer.Store;

/// <summary>
/// A store whose operations complete at once (memory, SQLite: no round trip worth a thread's wait): each asynchronous
/// member runs its synchronous counterpart and returns a completed task (<see cref="CompletedCall"/>).
/// </summary>
internal abstract class SynchronousExecutionStore : IExecutionStore
{
    public ValueTask CreateAsync(ExecutionRecord execution, StoredEvent started, CancellationToken cancellationToken = default) =>
        CompletedCall.Run(() => Create(execution, started), cancellationToken);

    public ValueTask<ExecutionRecord?> GetAsync(string id, CancellationToken cancellationToken = default) => CompletedCall.Run(() => Get(id), cancellationToken);

    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(CancellationToken cancellationToken = default) => CompletedCall.Run(List, cancellationToken);

    public ValueTask AppendAsync(StoredEvent stored, ExecutionRecord updated, CancellationToken cancellationToken = default) =>
        CompletedCall.Run(() => Append(stored, updated), cancellationToken);

    public ValueTask<IReadOnlyList<StoredEvent>> ReadAfterAsync(string id, long after, CancellationToken cancellationToken = default) =>
        CompletedCall.Run(() => ReadAfter(id, after), cancellationToken);

    public ValueTask<IReadOnlyList<ExecutionRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default) => CompletedCall.Run(ListUnfinished, cancellationToken);

    public abstract void Dispose();

    protected abstract void Create(ExecutionRecord execution, StoredEvent started);

    protected abstract ExecutionRecord? Get(string id);

    protected abstract IReadOnlyList<ExecutionRecord> List();

    protected abstract void Append(StoredEvent stored, ExecutionRecord updated);

    protected abstract IReadOnlyList<StoredEvent> ReadAfter(string id, long after);

    protected abstract IReadOnlyList<ExecutionRecord> ListUnfinished();
}
