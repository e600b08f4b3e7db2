namespace ResilientSse.Executions.Internal;

/// <summary>
/// Watches one stream connection for quiet: when no new event has arrived for the interval, asks whether the
/// snapshot shows the end, and if so cancels <see cref="Token"/> so that the connection is abandoned. Heartbeats keep
/// a connection open but prove nothing about the execution; a server that lost the final events must not keep the
/// watch waiting for as long as it keeps sending them.
/// </summary>
internal sealed class QuietStreamCheck : IAsyncDisposable
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly Func<CancellationToken, Task<bool>> _snapshotShowsTheEnd;
    private readonly CancellationTokenSource _abandon;
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer? _timer;
    private readonly Lock _gate = new();
    private Task _check = Task.CompletedTask;
    private bool _disposed;
    private long _lastEvent;

    /// <param name="interval">How long without a new event before the snapshot is read; infinite turns the check off.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="snapshotShowsTheEnd">Reads the snapshot: true when it is terminal. Failures count as "no".</param>
    /// <param name="connectionToken">The connection's own token, which <see cref="Token"/> follows.</param>
    public QuietStreamCheck(TimeSpan interval, TimeProvider timeProvider, Func<CancellationToken, Task<bool>> snapshotShowsTheEnd, CancellationToken connectionToken)
    {
        _interval = interval;
        _timeProvider = timeProvider;
        _lastEvent = timeProvider.GetTimestamp();
        _snapshotShowsTheEnd = snapshotShowsTheEnd;
        _abandon = CancellationTokenSource.CreateLinkedTokenSource(connectionToken);
        if (interval != Timeout.InfiniteTimeSpan)
        {
            _timer = timeProvider.CreateTimer(static state => ((QuietStreamCheck)state!).OnTimer(), this, interval, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Gets the token to read the connection with: cancelled when the snapshot showed the end (or with the connection's).</summary>
    public CancellationToken Token => _abandon.Token;

    /// <summary>Gets whether the snapshot showed the end while the stream was quiet (and <see cref="Token"/> was cancelled for it).</summary>
    public bool SnapshotShowedTheEnd { get; private set; }

    /// <summary>Gets the interval of quiet that triggers the check.</summary>
    public TimeSpan Interval => _interval;

    /// <summary>
    /// A new event arrived: the quiet starts again. Called for every event, so it only notes the time (as
    /// <c>IdleTimer</c> does): the timer, when it fires, re-arms itself for the rest of the interval.
    /// </summary>
    public void OnEvent() => Volatile.Write(ref _lastEvent, _timeProvider.GetTimestamp());

    public async ValueTask DisposeAsync()
    {
        Task check;
        lock (_gate)
        {
            _disposed = true;
            check = _check;
        }

        _timer?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        await check.ConfigureAwait(false);
        _stop.Dispose();
        _abandon.Dispose();
    }

    private void OnTimer()
    {
        var quiet = _timeProvider.GetElapsedTime(Volatile.Read(ref _lastEvent));
        if (quiet < _interval)
        {
            Rearm(_interval - quiet);
            return;
        }

        lock (_gate)
        {
            // One check at a time: a check in flight re-arms the timer itself when it finds the execution running.
            if (!_disposed && _check.IsCompleted)
            {
                _check = CheckAsync();
            }
        }
    }

    private async Task CheckAsync()
    {
        bool ended;
        try
        {
            ended = await _snapshotShowsTheEnd(_stop.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The check is advice: whatever fails here, the stream and the main loop still decide.
        catch (Exception)
#pragma warning restore CA1031
        {
            ended = false;
        }

        if (_stop.IsCancellationRequested)
        {
            return;
        }

        if (ended)
        {
            SnapshotShowedTheEnd = true;
            await _abandon.CancelAsync().ConfigureAwait(false);
            return;
        }

        Rearm(_interval);
    }

    private void Rearm(TimeSpan dueTime)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _timer?.Change(dueTime, Timeout.InfiniteTimeSpan);
            }
        }
    }
}
