using ResilientSse.ReferenceServer.Store;
using StackExchange.Redis;

namespace ResilientSse.ReferenceServer.Redis;

/// <summary>
/// The Redis store: any number of servers (nodes) share it. Executions are hashes, each log a stream whose entries
/// carry the contract's ids 1..n (as the entry ids <c>n-0</c> and in an <c>id</c> field); each write is one Lua script,
/// so an event and the record it updates are stored together, and an append whose id is not the next one is refused.
/// The node that creates an execution holds its lease (<see cref="NodeId"/>), which <see cref="RedisLeaseKeeper"/> renews.
/// </summary>
internal sealed class RedisExecutionStore : IExecutionStore
{
    /// <summary>How long a call waits for a lost connection to be restored before it tries again.</summary>
    private static readonly TimeSpan ReconnectWait = TimeSpan.FromSeconds(10);

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _db;
    private readonly TimeSpan _leaseTime;
    private readonly ManualResetEventSlim _connected = new(initialState: true);
    private int _disposed;

    /// <summary>Connects to <paramref name="configuration"/> (<c>host:port</c>).</summary>
    /// <exception cref="RedisConnectionException">Redis cannot be reached.</exception>
    public RedisExecutionStore(string configuration, string keyPrefix, string nodeId, TimeSpan leaseTime)
    {
        Configuration = configuration;
        Keys = new RedisKeys(keyPrefix);
        NodeId = nodeId;
        _leaseTime = leaseTime;
        _connection = ConnectionMultiplexer.Connect(Options(configuration));
        _connection.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                _connected.Reset();
            }
        };
        _connection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                _connected.Set();
            }
        };
        _db = _connection.GetDatabase();
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

    public void Create(ExecutionRecord execution, StoredEvent started)
    {
        var (pairs, _) = RedisRecords.ToFields(execution);
        var args = new List<RedisValue>
        {
            execution.Id, started.Id, started.Type, started.Data, NodeId, (long)_leaseTime.TotalMilliseconds, execution.IsTerminal ? "0" : "1",
        };
        args.AddRange(pairs);
        var keys = new[] { Keys.Execution(execution.Id), Keys.Log(execution.Id), Keys.Index, Keys.Unfinished, Keys.Sequence, Keys.Lease(execution.Id) };
        if ((long)Evaluate(RedisScripts.Create, keys, [.. args]) != 1)
        {
            throw new InvalidOperationException($"Execution {execution.Id} exists already.");
        }
    }

    public ExecutionRecord? Get(string id) => RedisRecords.FromFields(id, Call(db => db.HashGetAll(Keys.Execution(id))));

    public IReadOnlyList<ExecutionRecord> List()
    {
        return Call(db => Read(db.SortedSetRangeByRank(Keys.Index, order: Order.Descending))).Select(r => r.Record).ToList();
    }

    public IReadOnlyList<ExecutionRecord> ListUnfinished()
    {
        return Call(db => Read(db.SetMembers(Keys.Unfinished))).Where(r => !r.Record.IsTerminal).OrderBy(r => r.Sequence).Select(r => r.Record).ToList();
    }

    public void Append(StoredEvent stored, ExecutionRecord updated)
    {
        var (pairs, absent) = RedisRecords.ToFields(updated);
        var args = new List<RedisValue> { updated.Id, stored.Id, stored.Type, stored.Data, updated.IsTerminal ? "1" : "0", absent.Count };
        args.AddRange(absent);
        args.AddRange(pairs);
        var keys = new[] { Keys.Execution(updated.Id), Keys.Log(updated.Id), Keys.Unfinished, Keys.Lease(updated.Id), Keys.Ended };
        switch ((long)Evaluate(RedisScripts.Append, keys, [.. args]))
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

    public IReadOnlyList<StoredEvent> ReadAfter(string id, long after)
    {
        var entries = Call(db => db.StreamRange(Keys.Log(id), minId: "(" + RedisRecords.EntryId(after), maxId: "+"));
        return entries.Select(RedisRecords.ToEvent).ToList();
    }

    /// <summary>Sets this node's lease on <paramref name="id"/> unless someone holds it; returns whether it did.</summary>
    public bool TryTakeLease(string id) => _db.StringSet(Keys.Lease(id), NodeId, _leaseTime, When.NotExists);

    /// <summary>Extends the leases of <paramref name="ids"/> that this node holds; returns the ids whose lease it no longer holds.</summary>
    public IReadOnlyList<string> RenewLeases(IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var held = (RedisResult[])_db.ScriptEvaluate(RedisScripts.Renew, [.. ids.Select(Keys.Lease)], [NodeId, (long)_leaseTime.TotalMilliseconds])!;
        return ids.Where((_, i) => (long)held[i] == 0).ToList();
    }

    /// <summary>Gives up the leases of <paramref name="ids"/> that this node holds, so that another node ends them now.</summary>
    public void ReleaseLeases(IReadOnlyList<string> ids)
    {
        if (ids.Count > 0)
        {
            _db.ScriptEvaluate(RedisScripts.Release, [.. ids.Select(Keys.Lease)], [NodeId]);
        }
    }

    /// <summary>Whether anyone holds the lease of <paramref name="id"/>.</summary>
    public bool IsLeased(string id) => _db.KeyExists(Keys.Lease(id));

    /// <summary>The ids among <paramref name="ids"/> whose lease nobody holds, in one round trip.</summary>
    public IReadOnlyList<string> Unleased(IReadOnlyList<string> ids)
    {
        var batch = _db.CreateBatch();
        var checks = ids.Select(id => (Id: id, Task: batch.KeyExistsAsync(Keys.Lease(id)))).ToList();
        batch.Execute();
        return checks.Where(c => !c.Task.GetAwaiter().GetResult()).Select(c => c.Id).ToList();
    }

    /// <summary>Closes the connection; a second call does nothing (the container may reach the store through both its registrations).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _connection.Dispose();
            _connected.Dispose();
        }
    }

    /// <summary>
    /// Runs a write script through <see cref="Call{T}"/>: a script sent again after its reply was lost recognises its own
    /// write, so it lands once.
    /// </summary>
    private RedisResult Evaluate(string script, RedisKey[] keys, RedisValue[] args) => Call(db => db.ScriptEvaluate(script, keys, args));

    /// <summary>
    /// Runs <paramref name="call"/>; when the connection is lost (Redis restarted, say), waits for it to be restored —
    /// at most <see cref="ReconnectWait"/> each time — and tries again, three times in all, so that a short outage
    /// delays the runs and requests instead of failing them.
    /// </summary>
    private T Call<T>(Func<IDatabase, T> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return call(_db);
            }
            catch (RedisConnectionException) when (attempt < 3)
            {
                _connected.Wait(ReconnectWait);
            }
        }
    }

    private List<(ExecutionRecord Record, long Sequence)> Read(RedisValue[] ids)
    {
        // One round trip for all hashes: the commands are pipelined, then awaited together.
        var batch = _db.CreateBatch();
        var reads = ids.Select(id => (Id: id.ToString(), Task: batch.HashGetAllAsync(Keys.Execution(id.ToString())))).ToList();
        batch.Execute();
        var records = new List<(ExecutionRecord, long)>(reads.Count);
        foreach (var (id, task) in reads)
        {
            var fields = task.GetAwaiter().GetResult();
            if (RedisRecords.FromFields(id, fields) is { } record)
            {
                records.Add((record, RedisRecords.Sequence(fields)));
            }
        }

        return records;
    }
}
