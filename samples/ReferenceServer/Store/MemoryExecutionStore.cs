namespace ResilientSse.ReferenceServer.Store;

/// <summary>The in-memory store: for tests and demos. Every call completes synchronously.</summary>
internal sealed class MemoryExecutionStore : SynchronousExecutionStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ExecutionRecord> _executions = [];
    private readonly Dictionary<string, List<StoredEvent>> _logs = [];
    private readonly List<string> _order = [];

    public override void Dispose()
    {
    }

    protected override void Create(ExecutionRecord execution, StoredEvent started)
    {
        lock (_lock)
        {
            _executions.Add(execution.Id, execution);
            _logs.Add(execution.Id, [started]);
            _order.Add(execution.Id);
        }
    }

    protected override ExecutionRecord? Get(string id)
    {
        lock (_lock)
        {
            return _executions.GetValueOrDefault(id);
        }
    }

    protected override IReadOnlyList<ExecutionRecord> List()
    {
        lock (_lock)
        {
            return _order.AsEnumerable().Reverse().Select(id => _executions[id]).ToList();
        }
    }

    protected override void Append(StoredEvent stored, ExecutionRecord updated)
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

    protected override IReadOnlyList<StoredEvent> ReadAfter(string id, long after)
    {
        lock (_lock)
        {
            var log = _logs[id];
            var start = (int)Math.Clamp(after, 0, log.Count);
            return log.GetRange(start, log.Count - start);
        }
    }

    protected override IReadOnlyList<ExecutionRecord> ListUnfinished()
    {
        lock (_lock)
        {
            return _executions.Values.Where(e => !e.IsTerminal).ToList();
        }
    }
}
