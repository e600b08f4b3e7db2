namespace ResilientSse.Executions.Internal;

/// <summary>
/// Watches one stream connection for quiet: when no new event has arrived for the interval, asks whether the
/// snapshot shows the end and, if so, keeps that snapshot and cancels <see cref="Token"/> so that the connection is
/// abandoned. Without a snapshot question (a watch already catching up to a known end), quiet alone abandons the
/// connection: it was asked to replay events and sent none. Heartbeats keep a connection open but prove nothing.
/// </summary>
/// <remarks>
/// The timer only notes that the interval passed; the snapshot request runs on the thread pool, never on the timer's
/// thread nor under a lock, one at a time. The snapshot it read is handed to the watch (<see cref="TerminalSnapshot"/>),
/// which decides with it instead of reading it again.
/// </remarks>
internal sealed class QuietStreamCheck : IAsyncDisposable
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly Func<CancellationToken, Task<ExecutionSnapshot?>>? _readTerminalSnapshot;
    private readonly CancellationTokenSource _abandon;
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private Task _check = Task.CompletedTask;
    private int _checking;
    private int _disposed;
    private long _lastEvent;
    private int _paused;
    private long _pausedAt;

    /// <param name="interval">How long without a new event before the check; infinite turns it off.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="readTerminalSnapshot">
    /// Reads the snapshot and returns it when it is terminal, <see langword="null"/> otherwise (failures count as
    /// <see langword="null"/>); when <see langword="null"/> itself, quiet alone abandons the connection.
    /// </param>
    /// <param name="connectionToken">The connection's own token, which <see cref="Token"/> follows.</param>
    public QuietStreamCheck(TimeSpan interval, TimeProvider timeProvider, Func<CancellationToken, Task<ExecutionSnapshot?>>? readTerminalSnapshot, CancellationToken connectionToken)
    {
        _interval = interval;
        _timeProvider = timeProvider;
        _lastEvent = timeProvider.GetTimestamp();
        _readTerminalSnapshot = readTerminalSnapshot;
        _abandon = CancellationTokenSource.CreateLinkedTokenSource(connectionToken);
    }

    /// <summary>Gets the token to read the connection with: cancelled when the check abandons it (or with the connection's).</summary>
    public CancellationToken Token => _abandon.Token;

    /// <summary>Gets whether the check abandoned the connection.</summary>
    public bool Abandoned { get; private set; }

    /// <summary>Gets the terminal snapshot that made the check abandon the connection, if a snapshot did.</summary>
    public ExecutionSnapshot? TerminalSnapshot { get; private set; }

    /// <summary>Gets the check started last (completed when none ran): what a test awaits after moving the clock.</summary>
    internal Task LastCheck => Volatile.Read(ref _check);

    /// <summary>Gets the interval of quiet that triggers the check.</summary>
    public TimeSpan Interval => _interval;

    /// <summary>Starts watching for quiet: called when the request goes out, so that a wait before it never counts as quiet.</summary>
    public void Start()
    {
        _lastEvent = _timeProvider.GetTimestamp();
        if (_interval != Timeout.InfiniteTimeSpan && _timer is null)
        {
            _timer = _timeProvider.CreateTimer(static state => ((QuietStreamCheck)state!).OnTimer(), this, _interval, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Gets whether the check reads the snapshot (rather than abandoning on quiet alone).</summary>
    public bool AsksTheSnapshot => _readTerminalSnapshot is not null;

    /// <summary>
    /// A new event arrived at <paramref name="timestamp"/> (the clock's, read once by the caller for everything that
    /// notes it): the quiet starts again. Only notes the time; the timer re-arms itself for the rest of the interval.
    /// </summary>
    public void OnEvent(long timestamp) => Volatile.Write(ref _lastEvent, timestamp);

    /// <summary>
    /// The consumer holds an item, handed over at <paramref name="timestamp"/>: until <see cref="Resume"/>, time is the
    /// consumer's, not the server's silence.
    /// </summary>
    public void Pause(long timestamp)
    {
        _pausedAt = timestamp;
        Volatile.Write(ref _paused, 1);
    }

    /// <summary>
    /// The consumer asked for more. After a new event the quiet starts again now; after an item that was no progress
    /// (an event without an id) the quiet goes on, minus the time the consumer held the item.
    /// </summary>
    public void Resume(bool progress)
    {
        var now = _timeProvider.GetTimestamp();
        var resumedQuiet = progress ? now : Volatile.Read(ref _lastEvent) + (now - _pausedAt);
        Volatile.Write(ref _lastEvent, resumedQuiet);
        Volatile.Write(ref _paused, 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        await Volatile.Read(ref _check).ConfigureAwait(false);
        _stop.Dispose();
        _abandon.Dispose();
    }

    private void OnTimer()
    {
        if (Volatile.Read(ref _paused) != 0)
        {
            Rearm(_interval);
            return;
        }

        var quiet = _timeProvider.GetElapsedTime(Volatile.Read(ref _lastEvent));
        if (quiet < _interval)
        {
            Rearm(_interval - quiet);
            return;
        }

        // One check at a time; a check that finds the execution running re-arms the timer itself.
        if (Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _checking, 1) == 0)
        {
            Volatile.Write(ref _check, Task.Run(CheckAsync));
        }
    }

    private async Task CheckAsync()
    {
        var asked = _timeProvider.GetTimestamp();
        ExecutionSnapshot? terminal = null;
        if (_readTerminalSnapshot is { } read)
        {
            try
            {
                terminal = await read(_stop.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The check is advice: whatever fails here, the stream and the main loop still decide.
            catch (Exception)
#pragma warning restore CA1031
            {
                terminal = null;
            }

            if (terminal is null)
            {
                Volatile.Write(ref _checking, 0);
                Rearm(_interval);
                return;
            }
        }

        if (_stop.IsCancellationRequested || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _lastEvent) > asked || Volatile.Read(ref _paused) != 0)
        {
            // An event came (or the consumer holds one) while the snapshot was asked: the stream is not quiet after all.
            Volatile.Write(ref _checking, 0);
            Rearm(_interval);
            return;
        }

        (TerminalSnapshot, Abandoned) = (terminal, true);
        try
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    private void Rearm(TimeSpan dueTime)
    {
        try
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                _timer?.Change(dueTime, Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: nothing to re-arm.
        }
    }
}
