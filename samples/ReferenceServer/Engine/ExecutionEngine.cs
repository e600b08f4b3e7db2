using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>
/// Runs executions and writes their event logs: each event is appended to the store first, then offered to live
/// subscribers. Appends to an execution are serialised (one <see cref="AppendGates"/> gate per execution, held across the
/// store's asynchronous write), so ids are 1, 2, … with no gap and a terminal event is always the last.
/// On a shared store other servers append too: the store refuses an append that is not the next id, and the engine
/// then decides again from the record as it is now; live events reach subscribers from the store's feed instead.
/// </summary>
internal sealed class ExecutionEngine : IAsyncDisposable
{
    public const string RestartError = "interrupted by server restart";

    /// <summary>The error of an execution whose server stopped renewing its lease (shared store).</summary>
    public const string NodeLostError = "node lost: the server running this execution stopped";

    /// <summary>Event data as UTF-8 text, not \u escapes (control characters stay escaped, so data stays one line).</summary>
    private static readonly JsonSerializerOptions WireJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ReferenceServerOptions _options;
    private readonly IExecutionStore _store;
    private readonly ExecutionHub _hub;
    private readonly TimeProvider _time;
    // Appends to one execution are serialised (ids without gaps); appends to different ones proceed side by side,
    // which a store with round trips (Redis) needs under many concurrent runs.
    private readonly AppendGates _gates = new();
    private readonly ConcurrentDictionary<string, (Task Task, CancellationTokenSource Cancel)> _runs = new();
    private readonly CancellationTokenSource _shutdown = new();
    private int _live;
    private int _disposed;

    public ExecutionEngine(ReferenceServerOptions options, IExecutionStore store, ExecutionHub hub)
    {
        _options = options;
        _store = store;
        _hub = hub;
        _time = options.TimeProvider;
    }

    /// <summary>Ends every execution left running by a previous server with <c>workflow.failed</c>, so no watcher waits forever.</summary>
    public async Task<int> EndInterruptedAsync(CancellationToken cancellationToken = default)
    {
        if (_store.IsShared)
        {
            // Others' runs are alive: the lease keeper ends those whose server is gone.
            return 0;
        }

        var unfinished = await _store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        foreach (var execution in unfinished)
        {
            if (execution.LastEventId == 0)
            {
                // Left by a server that wrote the execution and its workflow.started in two steps and stopped between them.
                await TryAppendAsync(execution.Id, "workflow.started", new JsonObject { ["workflowId"] = execution.WorkflowId }, record => record).ConfigureAwait(false);
            }

            await AppendTerminalAsync(execution.Id, "workflow.failed", ExecutionStatuses.Failed, output: null, error: RestartError).ConfigureAwait(false);
        }

        return unfinished.Count;
    }

    /// <summary>Creates an execution of <paramref name="workflowId"/>, with its <c>workflow.started</c> in the same write, and starts running it.</summary>
    /// <exception cref="TooManyExecutionsException">As many executions as allowed are running.</exception>
    /// <exception cref="ServerStoppingException">The server is stopping.</exception>
    public async Task<ExecutionRecord> StartAsync(string workflowId, WorkflowPlan plan, CancellationToken cancellationToken = default)
    {
        // A place is reserved before anything is created, and given back when the run ends: exact under any concurrency.
        if (Interlocked.Increment(ref _live) > _options.MaxLiveExecutions)
        {
            Interlocked.Decrement(ref _live);
            throw new TooManyExecutionsException(_options.MaxLiveExecutions, _options.MaxLiveRetryAfterSeconds);
        }

        CancellationTokenSource cancel;
        ExecutionRecord execution;
        try
        {
            var now = _time.GetUtcNow();
            execution = new ExecutionRecord(ExecutionIds.Create(now), workflowId, ExecutionStatuses.Running, now, null, null, 1, null, null);
            var started = new StoredEvent(1, "workflow.started", Payload(execution.Id, new JsonObject { ["workflowId"] = workflowId }));
            using (await _gates.EnterAsync(execution.Id).ConfigureAwait(false))
            {
                if (_shutdown.IsCancellationRequested)
                {
                    throw new ServerStoppingException();
                }

                await _store.CreateAsync(execution, started, cancellationToken).ConfigureAwait(false);
            }

            cancel = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        }
        catch
        {
            Interlocked.Decrement(ref _live);
            throw;
        }

        var placeholder = (Task.CompletedTask, cancel);
        _runs[execution.Id] = placeholder;

        // The run removes itself when it ends, possibly before Task.Run returns: only replace the placeholder.
        _runs.TryUpdate(execution.Id, (Task.Run(() => RunAsync(execution.Id, plan, cancel.Token), CancellationToken.None), cancel), placeholder);
        return await _store.GetAsync(execution.Id, cancellationToken).ConfigureAwait(false) ?? execution;
    }

    /// <summary>Cancels a running execution; returns null when it is unknown, and the record unchanged when it was already terminal.</summary>
    /// <exception cref="ServerStoppingException">The server is stopping.</exception>
    public async Task<(ExecutionRecord? Execution, bool Conflict)> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } execution)
        {
            return (null, false);
        }

        if (!await AppendTerminalAsync(id, "workflow.cancelled", ExecutionStatuses.Cancelled, output: null, error: "cancelled by request").ConfigureAwait(false))
        {
            // Not appended: the execution had ended — or the server is stopping, and it is still running.
            var current = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            return current is { IsTerminal: false } ? throw new ServerStoppingException() : (current, true);
        }

        if (_runs.TryGetValue(id, out var run))
        {
            try
            {
                run.Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended on its own meanwhile.
            }
        }

        return (await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? execution, false);
    }

    /// <summary>Gets the ids of the executions this server is running.</summary>
    public IReadOnlyList<string> RunningIds => [.. _runs.Keys];

    /// <summary>Ends an execution whose server is gone (its lease expired) with <c>workflow.failed</c>; returns whether it did.</summary>
    public ValueTask<bool> EndLostAsync(string id) => AppendTerminalAsync(id, "workflow.failed", ExecutionStatuses.Failed, output: null, error: NodeLostError);

    /// <summary>Stops running <paramref name="id"/> here without writing anything: another server ended it or holds it now.</summary>
    public void Abandon(string id)
    {
        if (_runs.TryGetValue(id, out var run))
        {
            try
            {
                run.Cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended on its own meanwhile.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Running executions stay "running" in the store: the next start ends them as interrupted.
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_runs.Values.Select(r => r.Task)).ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private async Task RunAsync(string id, WorkflowPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            for (var stage = 1; stage <= plan.Stages; stage++)
            {
                var nodeId = "stage-" + stage.ToString(CultureInfo.InvariantCulture);
                if (!await TryAppendAsync(id, "node.started", new JsonObject { ["nodeId"] = nodeId }, r => r).ConfigureAwait(false))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(plan.DelayMs), _time, cancellationToken).ConfigureAwait(false);
                if (stage == plan.FailingStage)
                {
                    var error = $"{nodeId} failed: the workflow is built to fail here";
                    if (await TryAppendAsync(id, "node.failed", new JsonObject { ["nodeId"] = nodeId, ["error"] = error }, r => r).ConfigureAwait(false))
                    {
                        await AppendTerminalAsync(id, "workflow.failed", ExecutionStatuses.Failed, output: null, error: error).ConfigureAwait(false);
                    }

                    return;
                }

                // The label is not ASCII on purpose: clients must handle UTF-8 split across reads (and proxies cut inside it).
                var output = new JsonObject { ["delayed"] = plan.DelayMs > 0, ["label"] = "étape " + nodeId[6..] + " ✓" };
                if (!await TryAppendAsync(id, "node.completed", new JsonObject { ["nodeId"] = nodeId, ["output"] = output }, r => r).ConfigureAwait(false))
                {
                    return;
                }
            }

            await AppendTerminalAsync(id, "workflow.completed", ExecutionStatuses.Completed, new JsonObject { ["stages"] = plan.Stages }, error: null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled by request (the terminal event is written already) or by shutdown (left for the restart).
        }
        finally
        {
            if (_runs.TryRemove(id, out var run))
            {
                run.Cancel.Dispose();
            }

            Interlocked.Decrement(ref _live);
        }
    }

    private ValueTask<bool> AppendTerminalAsync(string id, string type, string status, JsonObject? output, string? error)
    {
        var data = new JsonObject { ["status"] = status };
        return TryAppendAsync(id, type, data, record =>
        {
            var completedAt = _time.GetUtcNow();
            var executionTime = (long)(completedAt - record.StartedAt).TotalMilliseconds;
            data["executionTime"] = executionTime;
            data[error is null ? "output" : "error"] = error is null ? output?.DeepClone() : error;
            return record with { Status = status, CompletedAt = completedAt, ExecutionTime = executionTime, OutputJson = output?.ToJsonString(), Error = error };
        });
    }

    private string Payload(string id, JsonObject data)
    {
        var payload = new JsonObject { ["executionId"] = id };
        foreach (var (name, value) in data)
        {
            payload[name] = value?.DeepClone();
        }

        payload["timestamp"] = Timestamps.Format(_time.GetUtcNow());
        return payload.ToJsonString(WireJson);
    }

    /// <summary>Appends an event unless the execution has ended or the server is stopping; returns whether it did.</summary>
    /// <remarks>
    /// Not cancellable: a run's token ends its stages, not a write it started (the terminal event of a cancel is written
    /// before the run is cancelled, and a shutdown is checked before each write instead).
    /// </remarks>
    private async ValueTask<bool> TryAppendAsync(string id, string type, JsonObject data, Func<ExecutionRecord, ExecutionRecord> update)
    {
        using var gate = await _gates.EnterAsync(id).ConfigureAwait(false);
        while (true)
        {
            if (_shutdown.IsCancellationRequested || await _store.GetAsync(id).ConfigureAwait(false) is not { IsTerminal: false } record)
            {
                return false;
            }

            var updated = update(record) with { LastEventId = record.LastEventId + 1 };
            var stored = new StoredEvent(updated.LastEventId, type, Payload(id, data));
            try
            {
                await _store.AppendAsync(stored, updated).ConfigureAwait(false);
            }
            catch (AppendConflictException) when (_store.IsShared)
            {
                // Another server appended first (a cancel, or the end of a run it took for lost): read again.
                continue;
            }

            // Published under the gate: live subscribers get each execution's events in id order.
            if (!_store.IsShared)
            {
                _hub.Publish(id, stored);
            }

            return true;
        }
    }
}
