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
    private protected abstract Task<IExecutionStore> OpenStoreAsync();

    /// <summary>Another writer of the same data, as a second server would be; the same instance where only one may exist.</summary>
    private protected virtual Task<IExecutionStore> OpenOtherWriterAsync(IExecutionStore store) => Task.FromResult(store);

    [StoreFact]
    public async Task Create_WritesTheExecutionAndItsWorkflowStartedTogether()
    {
        using var store = await OpenStoreAsync();

        await store.CreateAsync(Running("wf_exec_a"), Started("wf_exec_a"));

        Assert.Equal(Running("wf_exec_a"), await store.GetAsync("wf_exec_a"));
        Assert.Equal([Started("wf_exec_a")], await store.ReadAfterAsync("wf_exec_a", 0));
    }

    [StoreFact]
    public async Task Get_UnknownId_IsNull()
    {
        using var store = await OpenStoreAsync();

        Assert.Null(await store.GetAsync("wf_exec_nobody"));
    }

    [StoreFact]
    public async Task Append_NextId_StoresTheEventAndTheRecordTogether()
    {
        using var store = await OpenStoreAsync();
        await store.CreateAsync(Running("wf_exec_a"), Started("wf_exec_a"));
        var updated = Running("wf_exec_a") with { LastEventId = 2 };

        await store.AppendAsync(Event(2, "node.started"), updated);

        Assert.Equal(updated, await store.GetAsync("wf_exec_a"));
        Assert.Equal([1L, 2L], (await store.ReadAfterAsync("wf_exec_a", 0)).Select(e => e.Id));
    }

    [StoreFact]
    public async Task Append_TerminalRecord_RoundTripsEveryField()
    {
        using var store = await OpenStoreAsync();
        await store.CreateAsync(Running("wf_exec_a"), Started("wf_exec_a"));
        var ended = Running("wf_exec_a") with
        {
            Status = ExecutionStatuses.Completed, CompletedAt = T0.AddSeconds(3), ExecutionTime = 3000, LastEventId = 2, OutputJson = """{"stages":3}""",
        };

        await store.AppendAsync(Event(2, "workflow.completed"), ended);

        Assert.Equal(ended, await store.GetAsync("wf_exec_a"));
        Assert.Equal(ended, Assert.Single(await store.ListAsync()));
    }

    [StoreFact]
    public async Task Append_IdThatIsNotTheNext_IsRefusedAndChangesNothing()
    {
        using var store = await OpenStoreAsync();
        await store.CreateAsync(Running("wf_exec_a"), Started("wf_exec_a"));

        await Assert.ThrowsAsync<AppendConflictException>(async () => await store.AppendAsync(Event(3, "node.started"), Running("wf_exec_a") with { LastEventId = 3 }));
        await Assert.ThrowsAsync<AppendConflictException>(async () => await store.AppendAsync(Event(1, "node.started"), Running("wf_exec_a") with { LastEventId = 1 }));

        Assert.Equal(Running("wf_exec_a"), await store.GetAsync("wf_exec_a"));
        Assert.Equal([1L], (await store.ReadAfterAsync("wf_exec_a", 0)).Select(e => e.Id));
    }

    [StoreFact]
    public async Task Append_AfterTheTerminalEvent_IsRefused()
    {
        using var store = await OpenStoreAsync();
        await store.CreateAsync(Running("wf_exec_a"), Started("wf_exec_a"));
        var failed = Running("wf_exec_a") with { Status = ExecutionStatuses.Failed, CompletedAt = T0, ExecutionTime = 0, LastEventId = 2, Error = "boom" };
        await store.AppendAsync(Event(2, "workflow.failed"), failed);

        await Assert.ThrowsAsync<AppendConflictException>(async () => await store.AppendAsync(Event(3, "node.started"), failed with { Status = ExecutionStatuses.Running, LastEventId = 3 }));

        Assert.Equal(failed, await store.GetAsync("wf_exec_a"));
        Assert.Equal(2, (await store.ReadAfterAsync("wf_exec_a", 0)).Count);
    }

    [StoreFact]
    public async Task ReadAfter_AnId_ReturnsTheLaterEventsInOrder()
    {
        using var store = await OpenStoreAsync();
        await store.CreateAsync(Running("wf_exec_a"), Started("wf_exec_a"));
        for (var id = 2; id <= 12; id++)
        {
            await store.AppendAsync(Event(id, "node.started"), Running("wf_exec_a") with { LastEventId = id });
        }

        Assert.Equal(Enumerable.Range(8, 5).Select(i => (long)i), (await store.ReadAfterAsync("wf_exec_a", 7)).Select(e => e.Id));
        Assert.Equal(12, (await store.ReadAfterAsync("wf_exec_a", 0)).Count);
        Assert.Empty(await store.ReadAfterAsync("wf_exec_a", 12));
        Assert.Equal(Event(10, "node.started"), (await store.ReadAfterAsync("wf_exec_a", 9))[0]);
    }

    [StoreFact]
    public async Task List_SeveralExecutions_NewestFirst()
    {
        using var store = await OpenStoreAsync();
        foreach (var id in new[] { "wf_exec_c", "wf_exec_a", "wf_exec_b" })
        {
            await store.CreateAsync(Running(id), Started(id));
        }

        Assert.Equal(["wf_exec_b", "wf_exec_a", "wf_exec_c"], (await store.ListAsync()).Select(e => e.Id));
    }

    [StoreFact]
    public async Task ListUnfinished_SomeEnded_HoldsOnlyTheOthers()
    {
        using var store = await OpenStoreAsync();
        foreach (var id in new[] { "wf_exec_a", "wf_exec_b", "wf_exec_c" })
        {
            await store.CreateAsync(Running(id), Started(id));
        }

        await store.AppendAsync(Event(2, "workflow.cancelled"), Running("wf_exec_b") with { Status = ExecutionStatuses.Cancelled, CompletedAt = T0, ExecutionTime = 0, LastEventId = 2 });

        Assert.Equal(["wf_exec_a", "wf_exec_c"], (await store.ListUnfinishedAsync()).Select(e => e.Id).Order());
    }

    [StoreFact]
    public async Task Append_ConcurrentWriters_IdsStayGapFreeAndEveryEventLandsOnce()
    {
        const int Writers = 4, EventsEach = 25;
        using var store = await OpenStoreAsync();
        await store.CreateAsync(Running("wf_exec_a"), Started("wf_exec_a"));
        var writers = new List<IExecutionStore>();
        for (var i = 0; i < Writers; i++)
        {
            writers.Add(await OpenOtherWriterAsync(store));
        }

        var conflicts = 0;
        try
        {
            // Each writer reads the record, appends the next id, and on a refusal reads again: what the engine does.
            await Task.WhenAll(writers.Select((writer, w) => Task.Run(async () =>
            {
                for (var n = 0; n < EventsEach; n++)
                {
                    while (true)
                    {
                        var record = (await writer.GetAsync("wf_exec_a"))!;
                        var next = record.LastEventId + 1;
                        try
                        {
                            await writer.AppendAsync(new StoredEvent(next, "node.started", $"{{\"writer\":{w},\"n\":{n}}}"), record with { LastEventId = next });
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

        var log = await store.ReadAfterAsync("wf_exec_a", 0);
        Assert.Equal(Enumerable.Range(1, 1 + (Writers * EventsEach)).Select(i => (long)i), log.Select(e => e.Id));
        Assert.Equal(Writers * EventsEach, log.Skip(1).Select(e => e.Data).Distinct().Count());
        Assert.Equal(log.Count, (await store.GetAsync("wf_exec_a"))!.LastEventId);
    }

    private static ExecutionRecord Running(string id) =>
        new(id, "quick", ExecutionStatuses.Running, T0, null, null, 1, null, null);

    private static StoredEvent Started(string id) => new(1, "workflow.started", $$"""{"executionId":"{{id}}","workflowId":"quick","timestamp":"2026-01-02T03:04:05Z"}""");

    private static StoredEvent Event(long id, string type) => new(id, type, $$"""{"executionId":"wf_exec_a","n":{{id}},"label":"étape ✓"}""");
}
