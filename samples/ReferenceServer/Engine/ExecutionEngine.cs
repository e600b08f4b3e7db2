using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>
/// Runs executions and writes their event logs: each event is appended to the store first, then offered to live
/// subscribers. Appends to an execution are serialised, so ids are 1, 2, … with no gap and a terminal event is always the last.
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
    private readonly Lock[] _appendLocks = [.. Enumerable.Range(0, 64).Select(_ => new Lock())];
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
    public int EndInterrupted()
    {
        if (_store.IsShared)
        {
            // Others' runs are alive: the lease keeper ends those whose server is gone.
            return 0;
        }

        var unfinished = _store.ListUnfinished();
        foreach (var execution in unfinished)
        {
            if (execution.LastEventId == 0)
            {
                // Left by a server that wrote the execution and its workflow.started in two steps and stopped between them.
                TryAppend(execution.Id, "workflow.started", new JsonObject { ["workflowId"] = execution.WorkflowId }, record => record);
            }

            AppendTerminal(execution.Id, "workflow.failed", ExecutionStatuses.Failed, output: null, error: RestartError);
        }

        return unfinished.Count;
    }

    /// <summary>Creates an execution of <paramref name="workflowId"/>, with its <c>workflow.started</c> in the same write, and starts running it.</summary>
    /// <exception cref="TooManyExecutionsException">As many executions as allowed are running.</exception>
    /// <exception cref="ServerStoppingException">The server is stopping.</exception>
    public ExecutionRecord Start(string workflowId, WorkflowPlan plan)
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
            lock (AppendLock(execution.Id))
            {
                if (_shutdown.IsCancellationRequested)
                {
                    throw new ServerStoppingException();
                }
                _store.Create(execution, started);
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
        _runs.TryUpdate(execution.Id, (Task.Run(() => RunAsync(execution.Id, plan, cancel.Token)), cancel), placeholder);
        return _store.Get(execution.Id)!;
    }

    /// <summary>Cancels a running execution; returns null when it is unknown, and the record unchanged when it was already terminal.</summary>
    /// <exception cref="ServerStoppingException">The server is stopping.</exception>
    public (ExecutionRecord? Execution, bool Conflict) Cancel(string id)
    {
        if (_store.Get(id) is not { } execution)
        {
            return (null, false);
        }


        if (!AppendTerminal(id, "workflow.cancelled", ExecutionStatuses.Cancelled, output: null, error: "cancelled by request"))
        {
            // Not appended: the execution had ended — or the server is stopping, and it is still running.
            var current = _store.Get(id);
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

        return (_store.Get(id) ?? execution, false);
    }

    /// <summary>Gets the ids of the executions this server is running.</summary>
    public IReadOnlyList<string> RunningIds => [.. _runs.Keys];

    /// <summary>Ends an execution whose server is gone (its lease expired) with <c>workflow.failed</c>; returns whether it did.</summary>
    public bool EndLost(string id) => AppendTerminal(id, "workflow.failed", ExecutionStatuses.Failed, output: null, error: NodeLostError);

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
                if (!TryAppend(id, "node.started", new JsonObject { ["nodeId"] = nodeId }, r => r))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(plan.DelayMs), _time, cancellationToken).ConfigureAwait(false);
                if (stage == plan.FailingStage)
                {
                    var error = $"{nodeId} failed: the workflow is built to fail here";
                    if (TryAppend(id, "node.failed", new JsonObject { ["nodeId"] = nodeId, ["error"] = error }, r => r))
                    {
                        AppendTerminal(id, "workflow.failed", ExecutionStatuses.Failed, output: null, error: error);
                    }

                    return;
                }

                // The label is not ASCII on purpose: clients must handle UTF-8 split across reads (and proxies cut inside it).
                var output = new JsonObject { ["delayed"] = plan.DelayMs > 0, ["label"] = "étape " + nodeId[6..] + " ✓" };
                if (!TryAppend(id, "node.completed", new JsonObject { ["nodeId"] = nodeId, ["output"] = output }, r => r))
                {
                    return;
                }
            }

            AppendTerminal(id, "workflow.completed", ExecutionStatuses.Completed, new JsonObject { ["stages"] = plan.Stages }, error: null);
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

    private bool AppendTerminal(string id, string type, string status, JsonObject? output, string? error)
    {
        var data = new JsonObject { ["status"] = status };
        return TryAppend(id, type, data, record =>
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

    private Lock AppendLock(string id) => _appendLocks[(uint)StringComparer.Ordinal.GetHashCode(id) % (uint)_appendLocks.Length];

    /// <summary>Appends an event unless the execution has ended or the server is stopping; returns whether it did.</summary>
    private bool TryAppend(string id, string type, JsonObject data, Func<ExecutionRecord, ExecutionRecord> update)
    {
        lock (AppendLock(id))
        {
            while (true)
            {
                if (_shutdown.IsCancellationRequested || _store.Get(id) is not { IsTerminal: false } record)
                {
                    return false;
                }

                var updated = update(record) with { LastEventId = record.LastEventId + 1 };
                var stored = new StoredEvent(updated.LastEventId, type, Payload(id, data));
                try
                {
                    _store.Append(stored, updated);
                }
                catch (AppendConflictException) when (_store.IsShared)
                {
                    // Another server appended first (a cancel, or the end of a run it took for lost): read again.
                    continue;
                }

                if (!_store.IsShared)
                {
                    _hub.Publish(id, stored);
                }

                return true;
            }
        }
    }
}
