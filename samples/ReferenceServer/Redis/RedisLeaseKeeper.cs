using ResilientSse.ReferenceServer.Engine;
using StackExchange.Redis;

namespace ResilientSse.ReferenceServer.Redis;

/// <summary>
/// Work ownership on a shared store. The node that creates an execution holds its lease (set with it, in the same
/// script); every third of <see cref="ReferenceServerOptions.LeaseTime"/> this keeper renews the leases of the runs
/// here, stops the runs whose lease another node has ended, and ends with <c>workflow.failed</c> ("node lost") every
/// unfinished execution whose lease has expired — taking the lease first, so only one node writes that end.
/// On a graceful stop it gives its leases up, so that the others end its runs at once instead of after the lease time.
/// </summary>
internal sealed partial class RedisLeaseKeeper : BackgroundService
{
    private readonly RedisExecutionStore _store;
    private readonly ExecutionEngine _engine;
    private readonly TimeSpan _period;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisLeaseKeeper> _logger;

    /// <param name="time">Real time: Redis expires leases in it, whatever clock the executions run on.</param>
    public RedisLeaseKeeper(RedisExecutionStore store, ExecutionEngine engine, ReferenceServerOptions options, TimeProvider time, ILogger<RedisLeaseKeeper> logger)
    {
        _store = store;
        _engine = engine;
        _period = options.LeaseTime / 3;
        _time = time;
        _logger = logger;
    }

    /// <summary>Renews this node's leases, stops the runs it lost, and ends the executions whose node is gone; returns how many it ended.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var running = _engine.RunningIds;
        foreach (var lost in await _store.RenewLeasesAsync(running).ConfigureAwait(false))
        {
            _engine.Abandon(lost);
        }

        var others = (await _store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false)).Select(e => e.Id).Except(running).ToList();
        var ended = 0;
        foreach (var id in await _store.UnleasedAsync(others).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await _store.TryTakeLeaseAsync(id).ConfigureAwait(false) && await _engine.EndLostAsync(id).ConfigureAwait(false))
            {
                ended++;
            }
        }

        return ended;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _store.ReleaseLeasesAsync(_engine.RunningIds).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Redis is away: the leases expire on their own.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_period, _time);
        // A run ended by another node (a cancel sent there) stops here at once; the renewal below is the backstop.
        await _store.Database.Multiplexer.GetSubscriber().SubscribeAsync(
            RedisChannel.Literal((string)_store.Keys.Ended!), (_, id) => _engine.Abandon(id.ToString()), CommandFlags.FireAndForget).ConfigureAwait(false);
        try
        {
            do
            {
                try
                {
                    if (await RunOnceAsync(stoppingToken).ConfigureAwait(false) is > 0 and var ended)
                    {
                        Log.EndedLost(_logger, ended);
                    }
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // Redis is away: the leases cannot be renewed, and nobody else can end the runs either; try again.
                    Log.RenewFailed(_logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Ended {Count} execution(s) whose server is gone (workflow.failed: node lost).")]
        public static partial void EndedLost(ILogger logger, int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the leases in Redis failed ({Reason}); trying again.")]
        public static partial void RenewFailed(ILogger logger, string reason);
    }
}
