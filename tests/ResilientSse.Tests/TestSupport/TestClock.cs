using Microsoft.Extensions.Time.Testing;

namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when code under test starts waiting on a timer, so a test
/// can advance time exactly when the code is blocked on it — no real sleeps.
/// </summary>
internal sealed class TestClock : FakeTimeProvider, IDisposable
{
    private readonly SemaphoreSlim _timerCreated = new(0);

    public TestClock()
        : base(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero))
    {
    }

    private readonly List<DateTimeOffset> _dueTimes = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_dueTimes)
            {
                _dueTimes.Add(GetUtcNow() + dueTime);
            }
        }

        _timerCreated.Release();
        return timer;
    }

    /// <summary>How far to advance: to the earliest timer still due (as created), but at least <paramref name="step"/> when none is.</summary>
    private TimeSpan NextAdvance(TimeSpan step)
    {
        var now = GetUtcNow();
        lock (_dueTimes)
        {
            _dueTimes.RemoveAll(due => due <= now);
            return _dueTimes.Count == 0 ? step : _dueTimes.Min() - now;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> to completion, advancing time to its next timer (or by <paramref name="step"/>) each time it starts a
    /// timer (or has been idle for 200 ms of real time) and has not finished; fails after <paramref name="maxSteps"/>
    /// advances.
    /// </summary>
    public async Task<T> DriveAsync<T>(Task<T> work, TimeSpan step, int maxSteps = 2000)
    {
        for (var i = 0; i < maxSteps && !work.IsCompleted; i++)
        {
            var signal = _timerCreated.WaitAsync(TimeSpan.FromMilliseconds(200));
            if (await Task.WhenAny(work, signal) == work)
            {
                break;
            }

            // Let the code reach its await on the timer before time moves.
            await Task.Yield();
            Advance(NextAdvance(step));
        }

        return await work.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => _timerCreated.Dispose();
}
