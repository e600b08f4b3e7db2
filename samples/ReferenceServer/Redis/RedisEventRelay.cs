using System.Globalization;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;
using StackExchange.Redis;

namespace ResilientSse.ReferenceServer.Redis;

/// <summary>
/// Live events of a shared store: whichever node appends them, this node's stream subscribers get them from the logs
/// themselves. One loop per node reads, with <c>XREAD BLOCK</c> on a connection of its own, the log of every execution
/// that has a subscriber here, and hands each entry to <see cref="ExecutionHub.Publish"/>; a log is read once per node
/// however many subscribers it has, and not at all without one. A node-private wake stream is read too, so that a
/// newly followed log joins the blocked read at once.
/// </summary>
internal sealed partial class RedisEventRelay : BackgroundService
{
    private const int BlockMilliseconds = 5_000;
    private const int EntriesPerRead = 256;

    private readonly RedisExecutionStore _store;
    private readonly ExecutionHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisEventRelay> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Followed> _followed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly RedisKey _wake;
    private RedisValue _wakePosition = "0-0";
    private ConnectionMultiplexer? _blocking;

    /// <param name="time">Real time: Redis blocks and reconnects in it, whatever clock the executions run on.</param>
    public RedisEventRelay(RedisExecutionStore store, ExecutionHub hub, TimeProvider time, ILogger<RedisEventRelay> logger)
    {
        _store = store;
        _hub = hub;
        _time = time;
        _logger = logger;
        _wake = store.Keys.Wake(store.NodeId);
    }

    /// <summary>
    /// Follows the log of <paramref name="executionId"/> until the handle is disposed: every entry appended after this
    /// call returns is published to the hub. What was appended before is the caller's to read from the log.
    /// </summary>
    public async Task<IDisposable> FollowAsync(string executionId)
    {
        lock (_lock)
        {
            if (_followed.TryGetValue(executionId, out var followed))
            {
                followed.Count++;
                return new Handle(this, executionId, followed);
            }
        }

        // Where the log ends now: the reader starts after it, so nothing appended from here on can be missed.
        var last = await _store.Database.StreamRangeAsync(_store.Keys.Log(executionId), "-", "+", count: 1, messageOrder: Order.Descending).ConfigureAwait(false);
        Followed added;
        lock (_lock)
        {
            if (_followed.TryGetValue(executionId, out added!))
            {
                added.Count++;
                return new Handle(this, executionId, added);
            }

            added = new Followed(last.Length == 0 ? "0-0" : last[0].Id.ToString());
            _followed.Add(executionId, added);
        }

        _changed.Release();
        await _store.Database.StreamAddAsync(_wake, "followed", executionId, maxLength: 64, useApproximateMaxLength: true).ConfigureAwait(false);
        await _store.Database.KeyExpireAsync(_wake, TimeSpan.FromHours(1)).ConfigureAwait(false);
        return new Handle(this, executionId, added);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.Database.KeyDeleteAsync(_wake).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Redis is gone: the key expires on its own.
        }
    }

    public override void Dispose()
    {
        _blocking?.Dispose();
        _changed.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var options = RedisExecutionStore.Options(_store.Configuration);
            options.AbortOnConnectFail = false;
            options.Protocol = RedisProtocol.Resp2;
            options.AsyncTimeout = BlockMilliseconds + 15_000;
            options.ClientName = "resilientsse-reference-server-relay";
            _blocking = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            var db = _blocking.GetDatabase();
            while (!stoppingToken.IsCancellationRequested)
            {
                KeyValuePair<string, Followed>[] followed;
                lock (_lock)
                {
                    followed = [.. _followed];
                }

                if (followed.Length == 0)
                {
                    await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    var reply = await db.ExecuteAsync("XREAD", ReadArguments(followed)).WaitAsync(stoppingToken).ConfigureAwait(false);
                    Deliver(reply, followed);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
                {
                    // Redis is away (restarted, or the network): the multiplexer reconnects; read again after a pause.
                    Log.ReadFailed(_logger, ex.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(250), _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary><c>COUNT n BLOCK ms STREAMS wake log1 … logN wakePosition position1 … positionN</c>.</summary>
    private object[] ReadArguments(KeyValuePair<string, Followed>[] followed)
    {
        var args = new List<object>(6 + (2 * (followed.Length + 1)))
        {
            "COUNT", EntriesPerRead.ToString(CultureInfo.InvariantCulture), "BLOCK", BlockMilliseconds.ToString(CultureInfo.InvariantCulture), "STREAMS", _wake,
        };
        args.AddRange(followed.Select(f => (object)_store.Keys.Log(f.Key)));
        args.Add((string)_wakePosition!);
        lock (_lock)
        {
            args.AddRange(followed.Select(f => (object)f.Value.Position));
        }

        return [.. args];
    }

    private sealed class Followed(string position)
    {
        public int Count { get; set; } = 1;

        public string Position { get; set; } = position;
    }
}
