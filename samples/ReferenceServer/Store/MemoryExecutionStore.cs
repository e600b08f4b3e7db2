namespace ResilientSse.ReferenceServer.Store;

/// <summary>The in-memory store: for tests and demos. Every call completes synchronously.</summary>
internal sealed class MemoryExecutionStore : IExecutionStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ExecutionRecord> _executions = [];
    private readonly Dictionary<string, List<StoredEvent>> _logs = [];
    private readonly List<string> _order = [];

    public ValueTask CreateAsync(ExecutionRecord execution, StoredEvent started, CancellationToken cancellationToken = default) =>
        CompletedCall.Run(() => Create(execution, started), cancellationToken);

    public ValueTask<ExecutionRecord?> GetAsync(string id, CancellationToken cancellationToken = default) => CompletedCall.Run(() => Get(id), cancellationToken);

    public ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(CancellationToken cancellationToken = default) => CompletedCall.Run(List, cancellationToken);

    public ValueTask AppendAsync(StoredEvent stored, ExecutionRecord updated, CancellationToken cancellationToken = default) =>
        CompletedCall.Run(() => Append(stored, updated), cancellationToken);

    public ValueTask<IReadOnlyList<StoredEvent>> ReadAfterAsync(string id, long after, CancellationToken cancellationToken = default) =>
        CompletedCall.Run(() => ReadAfter(id, after), cancellationToken);

    public ValueTask<IReadOnlyList<ExecutionRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default) => CompletedCall.Run(ListUnfinished, cancellationToken);

    public void Dispose()
    {
    }

    private void Create(ExecutionRecord execution, StoredEvent started)
    {
        lock (_lock)
        {
            _executions.Add(execution.Id, execution);
            _logs.Add(execution.Id, [started]);
            _order.Add(execution.Id);
        }
    }

    private ExecutionRecord? Get(string id)
    {
        lock (_lock)
        {
            return _executions.GetValueOrDefault(id);
        }
    }

    private IReadOnlyList<ExecutionRecord> List()
    {
        lock (_lock)
        {
            return _order.AsEnumerable().Reverse().Select(id => _executions[id]).ToList();
        }
    }

    private void Append(StoredEvent stored, ExecutionRecord updated)
    {
        lock (_lock)
        {
            var current = _executions[updated.Id];
            if (current.IsTerminal || stored.Id != current.LastEventId + 1)
            {
                throw new AppendConflictException(updated.Id, stored.Id, current.IsTerminal ? "the execution has ended" : "it is not the next id of the log");
            }

            _logs[updated.Id].Add(stored);
            _executions[updated.Id] = updated;
        }
    }

    private IReadOnlyList<StoredEvent> ReadAfter(string id, long after)
    {
        lock (_lock)
        {
            var log = _logs[id];
            var start = (int)Math.Clamp(after, 0, log.Count);
            return log.GetRange(start, log.Count - start);
        }
    }

    private IReadOnlyList<ExecutionRecord> ListUnfinished()
    {
        lock (_lock)
        {
            return _executions.Values.Where(e => !e.IsTerminal).ToList();
        }
    }
}
