using ResilientSse.ReferenceServer;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>
/// The engine's log guarantee on an asynchronous store: whatever races (a run's appends, concurrent cancels), each
/// execution's ids are 1, 2, … with no gap, and exactly one terminal event ends the log.
/// </summary>
public sealed class ExecutionEngineTests
{
    [Fact]
    public async Task CancelAsync_RacingTheRunAndOtherCancels_LogStaysGapFreeWithOneTerminalEventLast()
    {
        const int Executions = 20, CancelsEach = 3;
        using var store = new YieldingStore();
        var options = new ReferenceServerOptions();
        var engine = new ExecutionEngine(options, store, new ExecutionHub(options));
        // Half the runs append as fast as they can (a cancel races their last appends or finds them ended); the other
        // half take 2 ms a stage, so that their cancels land mid-run however slowly this machine starts them.
        var fast = new WorkflowPlan(200, 0, null);
        var paced = new WorkflowPlan(200, 2, null);
        var started = new List<ExecutionRecord>();
        for (var i = 0; i < Executions; i++)
        {
            started.Add(await engine.StartAsync("very-long", i % 2 == 0 ? fast : paced));
        }

        var cancels = started.SelectMany(e => Enumerable.Range(0, CancelsEach).Select(_ => Task.Run(() => engine.CancelAsync(e.Id)))).ToList();
        var answers = await Task.WhenAll(cancels).WaitAsync(TimeSpan.FromSeconds(60));
        await engine.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var execution in started)
        {
            var log = await store.ReadAfterAsync(execution.Id, 0);
            var record = (await store.GetAsync(execution.Id))!;
            Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(e => e.Id));
            Assert.Single(log, e => e.IsTerminal);
            Assert.True(log[^1].IsTerminal, $"{execution.Id} ends with {log[^1].Type}");
            Assert.Equal(log.Count, record.LastEventId);
            Assert.True(record.IsTerminal);
        }

        // Each execution was cancelled once at most: the other cancels found it ended.
        Assert.All(answers.GroupBy(a => a.Execution!.Id), g => Assert.InRange(g.Count(a => !a.Conflict), 0, 1));
        Assert.Contains(answers, a => !a.Conflict);
    }

    /// <summary>The memory store, but every call goes asynchronous first, as a store with round trips does.</summary>
    private sealed class YieldingStore : IExecutionStore
    {
        private readonly MemoryExecutionStore _inner = new();

        public async ValueTask CreateAsync(ExecutionRecord execution, StoredEvent started, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            await _inner.CreateAsync(execution, started, cancellationToken);
        }

        public async ValueTask<ExecutionRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await _inner.GetAsync(id, cancellationToken);
        }

        public async ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await _inner.ListAsync(cancellationToken);
        }

        public async ValueTask AppendAsync(StoredEvent stored, ExecutionRecord updated, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            await _inner.AppendAsync(stored, updated, cancellationToken);
        }

        public async ValueTask<IReadOnlyList<StoredEvent>> ReadAfterAsync(string id, long after, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await _inner.ReadAfterAsync(id, after, cancellationToken);
        }

        public async ValueTask<IReadOnlyList<ExecutionRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await _inner.ListUnfinishedAsync(cancellationToken);
        }

        public void Dispose() => _inner.Dispose();
    }
}
