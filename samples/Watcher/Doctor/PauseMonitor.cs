namespace ResilientSse.Watcher.Doctor;

/// <summary>
/// Notes when this process stopped running while it observed (a loaded machine, a long collection): a thread of its
/// own wakes every few milliseconds and records each gap longer than <see cref="Threshold"/>. Bytes that arrived
/// during such a pause are read together at its end, which would otherwise look like a path that buffers.
/// </summary>
internal sealed class PauseMonitor : IDisposable
{
    /// <summary>A gap between two wake-ups longer than this is a pause of the process.</summary>
    public static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(50);

    private readonly List<ProcessPause> _pauses = [];
    private readonly ManualResetEventSlim _stopping = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _origin;
    private readonly Thread _thread;

    /// <param name="timeProvider">The observation's clock.</param>
    /// <param name="origin">The observation's start (a timestamp of <paramref name="timeProvider"/>): pauses are measured from it.</param>
    public PauseMonitor(TimeProvider timeProvider, long origin)
    {
        (_timeProvider, _origin) = (timeProvider, origin);
        var start = _timeProvider.GetElapsedTime(_origin); // read here, so that nothing before the thread runs is missed
        _thread = new Thread(() => Run(start)) { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "doctor pause monitor" };
        _thread.Start();
    }

    /// <summary>Gets the pauses seen so far, from the start of the observation.</summary>
    public IReadOnlyList<ProcessPause> Pauses
    {
        get
        {
            lock (_pauses)
            {
                return [.. _pauses];
            }
        }
    }

    public void Dispose()
    {
        _stopping.Set();
        _thread.Join(TimeSpan.FromSeconds(1));
        _stopping.Dispose();
    }

    private void Run(TimeSpan last)
    {
        while (!_stopping.Wait(5)) // wakes every 5 ms until disposed
        {
            var now = _timeProvider.GetElapsedTime(_origin);
            if (now - last > Threshold)
            {
                lock (_pauses)
                {
                    _pauses.Add(new ProcessPause(last, now));
                }
            }

            last = now;
        }
    }
}

/// <summary>A stretch during which this process did not run, from the start of the observation.</summary>
/// <param name="From">The last moment it was seen running.</param>
/// <param name="To">When it ran again.</param>
internal readonly record struct ProcessPause(TimeSpan From, TimeSpan To)
{
    /// <summary>How long after a pause bytes read together still count as released by it.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(30);

    /// <summary>Whether something seen at <paramref name="at"/> may have waited for this pause to end.</summary>
    public bool Covers(TimeSpan at) => at >= From && at <= To + Slack;
}
