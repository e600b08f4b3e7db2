using System.Diagnostics;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>
/// Notes when the test process stopped running: a thread of its own wakes every few milliseconds and records every gap
/// longer than <see cref="Threshold"/> between two wake-ups. Timers that were due during such a gap all fire at its end,
/// so requests bunched right after it say nothing about how the library spread them.
/// </summary>
internal sealed class StallWatch : IDisposable
{
    public static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(50);

    private readonly List<(long From, long To)> _stalls = [];
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stopping = new();

    public StallWatch()
    {
        _thread = new Thread(Run) { IsBackground = true, Priority = ThreadPriority.Highest, Name = "stall watch" };
        _thread.Start();
    }

    /// <summary>The longest stall that ended within <paramref name="margin"/> of the window starting at <paramref name="start"/>.</summary>
    public TimeSpan LongestStallNear(long start, TimeSpan window, TimeSpan margin)
    {
        var (from, to) = (start - Ticks(margin), start + Ticks(window));
        lock (_stalls)
        {
            return _stalls.Where(s => s.To >= from && s.To <= to).Select(s => Stopwatch.GetElapsedTime(s.From, s.To)).DefaultIfEmpty().Max();
        }
    }

    public void Dispose()
    {
        _stopping.Set();
        _thread.Join(TimeSpan.FromSeconds(1));
        _stopping.Dispose();
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private void Run()
    {
        var last = Stopwatch.GetTimestamp();
        while (!_stopping.Wait(5)) // wakes every 5 ms until disposed
        {
            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(last, now) > Threshold)
            {
                lock (_stalls)
                {
                    _stalls.Add((last, now));
                }
            }

            last = now;
        }
    }
}
