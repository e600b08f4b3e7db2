using ResilientSse.ReferenceServer.Store;
using StackExchange.Redis;

namespace ResilientSse.ReferenceServer.Redis;

/// <summary>
/// The Redis store: any number of servers (nodes) share it. Executions are hashes, each log a stream whose entries
/// carry the contract's ids 1..n (as the entry ids <c>n-0</c> and in an <c>id</c> field); each write is one Lua script,
/// so an event and the record it updates are stored together, and an append whose id is not the next one is refused.
/// The node that creates an execution holds its lease (<see cref="NodeId"/>), which <see cref="RedisLeaseKeeper"/> renews.
/// </summary>
internal sealed class RedisExecutionStore : IExecutionStore, IAsyncDisposable
{
    /// <summary>How long a call waits for a lost connection to be restored before it tries again.</summary>
    private static readonly TimeSpan ReconnectWait = TimeSpan.FromSeconds(10);

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _db;
    private readonly TimeSpan _leaseTime;
    private readonly Lock _connectionLock = new();
    // Completed while the interactive connection is up; replaced by a pending one when it fails.
    private TaskCompletionSource _restored = Up();
    private int _disposed;

    private RedisExecutionStore(ConnectionMultiplexer connection, string configuration, string keyPrefix, string nodeId, TimeSpan leaseTime)
    {
        Configuration = configuration;
        Keys = new RedisKeys(keyPrefix);
        NodeId = nodeId;
        _leaseTime = leaseTime;
        _connection = connection;
        _connection.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                lock (_connectionLock)
                {
                    if (_restored.Task.IsCompleted)
                    {
                        _restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }
            }
        };
        _connection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                lock (_connectionLock)
                {
                    _restored.TrySetResult();
                }
            }
        };
        _db = _connection.GetDatabase();
    }

    /// <summary>Connects to <paramref name="configuration"/> (<c>host:port</c>).</summary>
    /// <exception cref="RedisConnectionException">Redis cannot be reached.</exception>
    public static async Task<RedisExecutionStore> ConnectAsync(string configuration, string keyPrefix, string nodeId, TimeSpan leaseTime)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(Options(configuration)).ConfigureAwait(false);
        return new RedisExecutionStore(connection, configuration, keyPrefix, nodeId, leaseTime);
    }

    /// <summary>Gets the Redis address, <c>host:port</c>.</summary>
    public string Configuration { get; }

    /// <summary>Gets the keys of this store's data.</summary>
    public RedisKeys Keys { get; }

    /// <summary>Gets the name this node writes into the leases it holds.</summary>
    public string NodeId { get; }

    /// <summary>Gets the database, for the lease keeper and the live relay's non-blocking commands.</summary>
    public IDatabase Database => _db;

    public bool IsShared => true;

    /// <summary>
    /// Connection settings: keep retrying after Redis goes away (it may be restarted), but fail a first connect that
    /// cannot succeed. Time-outs are generous: a loaded host answers late, and a command that times out fails a request.
    /// </summary>
    public static ConfigurationOptions Options(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 10_000;
        options.SyncTimeout = 15_000;
        options.AsyncTimeout = 15_000;
        options.ClientName = "resilientsse-reference-server";
        return options;
    }

    public async ValueTask CreateAsync(ExecutionRecord execution, StoredEvent started, CancellationToken cancellationToken = default)
    {
        var (pairs, _) = RedisRecords.ToFields(execution);
        var args = new List<RedisValue>
        {
            execution.Id, started.Id, started.Type, started.Data, NodeId, (long)_leaseTime.TotalMilliseconds, execution.IsTerminal ? "0" : "1",
        };
        args.AddRange(pairs);
        var keys = new[] { Keys.Execution(execution.Id), Keys.Log(execution.Id), Keys.Index, Keys.Unfinished, Keys.Sequence, Keys.Lease(execution.Id) };
        if ((long)await EvaluateAsync(RedisScripts.Create, keys, [.. args], cancellationToken).ConfigureAwait(false) != 1)
        {
            throw new InvalidOperationException($"Execution {execution.Id} exists already.");
        }
    }

    public async ValueTask<ExecutionRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        RedisRecords.FromFields(id, await CallAsync(db => db.HashGetAllAsync(Keys.Execution(id)), cancellationToken).ConfigureAwait(false));

    public async ValueTask<IReadOnlyList<ExecutionRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = await CallAsync(db => db.SortedSetRangeByRankAsync(Keys.Index, order: Order.Descending), cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(ids, cancellationToken).ConfigureAwait(false)).Select(r => r.Record).ToList();
    }

    public async ValueTask<IReadOnlyList<ExecutionRecord>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var ids = await CallAsync(db => db.SetMembersAsync(Keys.Unfinished), cancellationToken).ConfigureAwait(false);
        var records = await ReadAsync(ids, cancellationToken).ConfigureAwait(false);
        return records.Where(r => !r.Record.IsTerminal).OrderBy(r => r.Sequence).Select(r => r.Record).ToList();
    }

    public async ValueTask AppendAsync(StoredEvent stored, ExecutionRecord updated, CancellationToken cancellationToken = default)
    {
        var (pairs, absent) = RedisRecords.ToFields(updated);
        var args = new List<RedisValue> { updated.Id, stored.Id, stored.Type, stored.Data, updated.IsTerminal ? "1" : "0", absent.Count };
        args.AddRange(absent);
        args.AddRange(pairs);
        var keys = new[] { Keys.Execution(updated.Id), Keys.Log(updated.Id), Keys.Unfinished, Keys.Lease(updated.Id), Keys.Ended };
        switch ((long)await EvaluateAsync(RedisScripts.Append, keys, [.. args], cancellationToken).ConfigureAwait(false))
        {
            case 1:
                return;
            case -1:
                throw new KeyNotFoundException($"No execution has the id '{updated.Id}'.");
            case -2:
                throw new AppendConflictException(updated.Id, stored.Id, "the execution has ended");
            default:
                throw new AppendConflictException(updated.Id, stored.Id, "it is not the next id of the log");
        }
    }

    public async ValueTask<IReadOnlyList<StoredEvent>> ReadAfterAsync(string id, long after, CancellationToken cancellationToken = default)
    {
        var entries = await CallAsync(db => db.StreamRangeAsync(Keys.Log(id), minId: "(" + RedisRecords.EntryId(after), maxId: "+"), cancellationToken).ConfigureAwait(false);
        return entries.Select(RedisRecords.ToEvent).ToList();
    }

    /// <summary>Sets this node's lease on <paramref name="id"/> unless someone holds it; returns whether it did.</summary>
    public Task<bool> TryTakeLeaseAsync(string id) => _db.StringSetAsync(Keys.Lease(id), NodeId, _leaseTime, When.NotExists);

    /// <summary>Extends the leases of <paramref name="ids"/> that this node holds; returns the ids whose lease it no longer holds.</summary>
    public async Task<IReadOnlyList<string>> RenewLeasesAsync(IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var held = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisScripts.Renew, [.. ids.Select(Keys.Lease)], [NodeId, (long)_leaseTime.TotalMilliseconds]).ConfigureAwait(false))!;
        return ids.Where((_, i) => (long)held[i] == 0).ToList();
    }

    /// <summary>Gives up the leases of <paramref name="ids"/> that this node holds, so that another node ends them now.</summary>
    public async Task ReleaseLeasesAsync(IReadOnlyList<string> ids)
    {
        if (ids.Count > 0)
        {
            await _db.ScriptEvaluateAsync(RedisScripts.Release, [.. ids.Select(Keys.Lease)], [NodeId]).ConfigureAwait(false);
        }
    }

    /// <summary>Whether anyone holds the lease of <paramref name="id"/>.</summary>
    public Task<bool> IsLeasedAsync(string id) => _db.KeyExistsAsync(Keys.Lease(id));

    /// <summary>The ids among <paramref name="ids"/> whose lease nobody holds, in one round trip.</summary>
    public async Task<IReadOnlyList<string>> UnleasedAsync(IReadOnlyList<string> ids)
    {
        var batch = _db.CreateBatch();
        var checks = ids.Select(id => batch.KeyExistsAsync(Keys.Lease(id))).ToList();
        batch.Execute();
        var leased = await Task.WhenAll(checks).ConfigureAwait(false);
        return ids.Where((_, i) => !leased[i]).ToList();
    }

    /// <summary>Closes the connection; a second call does nothing (the container may reach the store through both its registrations).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _connection.Dispose();
        }
    }

    /// <summary>Closes the connection without blocking (what the host's container calls); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a write script through <see cref="CallAsync{T}"/>: a script sent again after its reply was lost recognises
    /// its own write, so it lands once. <paramref name="cancellationToken"/> is observed only before the script is sent:
    /// once sent, it is awaited to its end, so that the caller knows whether it landed.
    /// </summary>
    private Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return CallAsync(db => db.ScriptEvaluateAsync(script, keys, args), CancellationToken.None);
    }

    /// <summary>
    /// Runs <paramref name="call"/>; when the connection is lost (Redis restarted, say), waits for it to be restored —
    /// at most <see cref="ReconnectWait"/> each time — and tries again, three times in all, so that a short outage
    /// delays the runs and requests instead of failing them. <paramref name="cancellationToken"/> stops the waiting
    /// (the command itself, once sent, runs on in Redis).
    /// </summary>
    private async Task<T> CallAsync<T>(Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await call(_db).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RedisConnectionException) when (attempt < 3)
            {
                try
                {
                    await RestoredAsync().WaitAsync(ReconnectWait, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Not restored yet: the next attempt reports the outage if it still lasts.
                }
            }
        }
    }

    private static TaskCompletionSource Up()
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        up.SetResult();
        return up;
    }

    /// <summary>A task that completes when the interactive connection is up (at once when it is).</summary>
    private Task RestoredAsync()
    {
        lock (_connectionLock)
        {
            return _restored.Task;
        }
    }

    private async Task<List<(ExecutionRecord Record, long Sequence)>> ReadAsync(RedisValue[] ids, CancellationToken cancellationToken)
    {
        // One round trip for all hashes: the commands are pipelined, then awaited together.
        var batch = _db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAllAsync(Keys.Execution(id.ToString()))).ToList();
        batch.Execute();
        var hashes = await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<(ExecutionRecord, long)>(hashes.Length);
        for (var i = 0; i < hashes.Length; i++)
        {
            if (RedisRecords.FromFields(ids[i].ToString(), hashes[i]) is { } record)
            {
                records.Add((record, RedisRecords.Sequence(hashes[i])));
            }
        }

        return records;
    }
}
