using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer.Stores;

/// <summary>
/// What every store does, whichever it is: the server's correctness rests on these and on nothing store-specific.
/// Each store's class derives from this one and only says how to open it.
/// </summary>
public abstract class ExecutionStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Opens the store under test; each test opens its own, empty.</summary>
    private protected abstract IExecutionStore OpenStore();

    /// <summary>Another writer of the same data, as a second server would be; the same instance where only one may exist.</summary>
    private protected virtual IExecutionStore OpenOtherWriter(IExecutionStore store) => store;

    [StoreFact]
    public void Create_WritesTheExecutionAndItsWorkflowStartedTogether()
    {
        using var store = OpenStore();

        store.Create(Running("wf_exec_a"), Started("wf_exec_a"));

        Assert.Equal(Running("wf_exec_a"), store.Get("wf_exec_a"));
        Assert.Equal([Started("wf_exec_a")], store.ReadAfter("wf_exec_a", 0));
    }

    [StoreFact]
    public void Get_UnknownId_IsNull()
    {
        using var store = OpenStore();

        Assert.Null(store.Get("wf_exec_nobody"));
    }

    [StoreFact]
    public void Append_NextId_StoresTheEventAndTheRecordTogether()
    {
        using var store = OpenStore();
        store.Create(Running("wf_exec_a"), Started("wf_exec_a"));
        var updated = Running("wf_exec_a") with { LastEventId = 2 };

        store.Append(Event(2, "node.started"), updated);

        Assert.Equal(updated, store.Get("wf_exec_a"));
        Assert.Equal([1L, 2L], store.ReadAfter("wf_exec_a", 0).Select(e => e.Id));
    }

    [StoreFact]
    public void Append_TerminalRecord_RoundTripsEveryField()
    {
        using var store = OpenStore();
        store.Create(Running("wf_exec_a"), Started("wf_exec_a"));
        var ended = Running("wf_exec_a") with
        {
            Status = ExecutionStatuses.Completed, CompletedAt = T0.AddSeconds(3), ExecutionTime = 3000, LastEventId = 2, OutputJson = """{"stages":3}""",
        };

        store.Append(Event(2, "workflow.completed"), ended);

        Assert.Equal(ended, store.Get("wf_exec_a"));
        Assert.Equal(ended, Assert.Single(store.List()));
    }

    [StoreFact]
    public void Append_IdThatIsNotTheNext_IsRefusedAndChangesNothing()
    {
        using var store = OpenStore();
        store.Create(Running("wf_exec_a"), Started("wf_exec_a"));

        Assert.Throws<AppendConflictException>(() => store.Append(Event(3, "node.started"), Running("wf_exec_a") with { LastEventId = 3 }));
        Assert.Throws<AppendConflictException>(() => store.Append(Event(1, "node.started"), Running("wf_exec_a") with { LastEventId = 1 }));

        Assert.Equal(Running("wf_exec_a"), store.Get("wf_exec_a"));
        Assert.Equal([1L], store.ReadAfter("wf_exec_a", 0).Select(e => e.Id));
    }

    [StoreFact]
    public void Append_AfterTheTerminalEvent_IsRefused()
    {
        using var store = OpenStore();
        store.Create(Running("wf_exec_a"), Started("wf_exec_a"));
        var failed = Running("wf_exec_a") with { Status = ExecutionStatuses.Failed, CompletedAt = T0, ExecutionTime = 0, LastEventId = 2, Error = "boom" };
        store.Append(Event(2, "workflow.failed"), failed);

        Assert.Throws<AppendConflictException>(() => store.Append(Event(3, "node.started"), failed with { Status = ExecutionStatuses.Running, LastEventId = 3 }));

        Assert.Equal(failed, store.Get("wf_exec_a"));
        Assert.Equal(2, store.ReadAfter("wf_exec_a", 0).Count);
    }

    [StoreFact]
    public void ReadAfter_AnId_ReturnsTheLaterEventsInOrder()
    {
        using var store = OpenStore();
        store.Create(Running("wf_exec_a"), Started("wf_exec_a"));
        for (var id = 2; id <= 12; id++)
        {
            store.Append(Event(id, "node.started"), Running("wf_exec_a") with { LastEventId = id });
        }

        Assert.Equal(Enumerable.Range(8, 5).Select(i => (long)i), store.ReadAfter("wf_exec_a", 7).Select(e => e.Id));
        Assert.Equal(12, store.ReadAfter("wf_exec_a", 0).Count);
        Assert.Empty(store.ReadAfter("wf_exec_a", 12));
        Assert.Equal(Event(10, "node.started"), store.ReadAfter("wf_exec_a", 9)[0]);
    }

    [StoreFact]
    public void List_SeveralExecutions_NewestFirst()
    {
        using var store = OpenStore();
        foreach (var id in new[] { "wf_exec_c", "wf_exec_a", "wf_exec_b" })
        {
            store.Create(Running(id), Started(id));
        }

        Assert.Equal(["wf_exec_b", "wf_exec_a", "wf_exec_c"], store.List().Select(e => e.Id));
    }

    [StoreFact]
    public void ListUnfinished_SomeEnded_HoldsOnlyTheOthers()
    {
        using var store = OpenStore();
        foreach (var id in new[] { "wf_exec_a", "wf_exec_b", "wf_exec_c" })
        {
            store.Create(Running(id), Started(id));
        }

        store.Append(Event(2, "workflow.cancelled"), Running("wf_exec_b") with { Status = ExecutionStatuses.Cancelled, CompletedAt = T0, ExecutionTime = 0, LastEventId = 2 });

        Assert.Equal(["wf_exec_a", "wf_exec_c"], store.ListUnfinished().Select(e => e.Id).Order());
    }

    [StoreFact]
    public async Task Append_ConcurrentWriters_IdsStayGapFreeAndEveryEventLandsOnce()
    {
        const int Writers = 4, EventsEach = 25;
        using var store = OpenStore();
        store.Create(Running("wf_exec_a"), Started("wf_exec_a"));
        var writers = Enumerable.Range(0, Writers).Select(_ => OpenOtherWriter(store)).ToList();
        var conflicts = 0;
        try
        {
            // Each writer reads the record, appends the next id, and on a refusal reads again: what the engine does.
            await Task.WhenAll(writers.Select((writer, w) => Task.Run(() =>
            {
                for (var n = 0; n < EventsEach; n++)
                {
                    while (true)
                    {
                        var record = writer.Get("wf_exec_a")!;
                        var next = record.LastEventId + 1;
                        try
                        {
                            writer.Append(new StoredEvent(next, "node.started", $"{{\"writer\":{w},\"n\":{n}}}"), record with { LastEventId = next });
                            break;
                        }
                        catch (AppendConflictException)
                        {
                            Interlocked.Increment(ref conflicts);
                        }
                    }
                }
            })));
        }
        finally
        {
            foreach (var writer in writers.Where(w => !ReferenceEquals(w, store)))
            {
                writer.Dispose();
            }
        }

        var log = store.ReadAfter("wf_exec_a", 0);
        Assert.Equal(Enumerable.Range(1, 1 + (Writers * EventsEach)).Select(i => (long)i), log.Select(e => e.Id));
        Assert.Equal(Writers * EventsEach, log.Skip(1).Select(e => e.Data).Distinct().Count());
        Assert.Equal(log.Count, store.Get("wf_exec_a")!.LastEventId);
    }

    private static ExecutionRecord Running(string id) =>
        new(id, "quick", ExecutionStatuses.Running, T0, null, null, 1, null, null);

    private static StoredEvent Started(string id) => new(1, "workflow.started", $$"""{"executionId":"{{id}}","workflowId":"quick","timestamp":"2026-01-02T03:04:05Z"}""");

    private static StoredEvent Event(long id, string type) => new(id, type, $$"""{"executionId":"wf_exec_a","n":{{id}},"label":"étape ✓"}""");
}
