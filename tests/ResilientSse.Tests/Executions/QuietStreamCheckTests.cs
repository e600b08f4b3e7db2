using Microsoft.Extensions.Time.Testing;
using ResilientSse.Executions.Internal;

namespace ResilientSse.Tests.Executions;

/// <summary>The quiet-stream check on a fake clock: when it reads the snapshot, and what a terminal answer does.</summary>
public sealed class QuietStreamCheckTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new();
    private int _reads;

    [Fact]
    public async Task Quiet_ReadsTheSnapshotAfterEachIntervalWhileItSaysRunning()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => Answer(false), CancellationToken.None);

        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(0, Volatile.Read(ref _reads));
        _clock.Advance(TimeSpan.FromSeconds(1));
        await ReadsReachAsync(1);
        _clock.Advance(Interval);
        await ReadsReachAsync(2);

        Assert.False(check.Token.IsCancellationRequested);
        Assert.False(check.SnapshotShowedTheEnd);
    }

    [Fact]
    public async Task NewEvents_StartTheQuietAgain()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => Answer(false), CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(20));
            check.OnEvent();
        }

        Assert.Equal(0, Volatile.Read(ref _reads));
    }

    [Fact]
    public async Task SnapshotShowsTheEnd_CancelsTheToken()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => Answer(true), CancellationToken.None);

        _clock.Advance(Interval);
        await Task.Delay(Timeout.InfiniteTimeSpan, check.Token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Bound);

        Assert.True(check.SnapshotShowedTheEnd);
    }

    [Fact]
    public async Task SnapshotFails_CountsAsRunning()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => throw new HttpRequestException("refused"), CancellationToken.None);

        _clock.Advance(Interval);
        _clock.Advance(Interval);

        Assert.False(check.Token.IsCancellationRequested);
        Assert.False(check.SnapshotShowedTheEnd);
    }

    [Fact]
    public async Task Infinite_NeverReads()
    {
        await using var check = new QuietStreamCheck(Timeout.InfiniteTimeSpan, _clock, _ => Answer(true), CancellationToken.None);

        _clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(0, Volatile.Read(ref _reads));
        Assert.False(check.Token.IsCancellationRequested);
    }

    private Task<bool> Answer(bool ended)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(ended);
    }

    private async Task ReadsReachAsync(int count)
    {
        // The check runs off the timer's thread: wait (bounded) for it to have read.
        using var timeout = new CancellationTokenSource(Bound);
        while (Volatile.Read(ref _reads) < count)
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
