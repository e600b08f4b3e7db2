using Microsoft.Extensions.Time.Testing;
using ResilientSse.Executions.Internal;

namespace ResilientSse.Tests.Executions;

/// <summary>The quiet-stream check on a fake clock: when it reads the snapshot, and what a terminal answer does.</summary>
public sealed class QuietStreamCheckTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new();
    private int _reads;

    [Fact]
    public async Task Quiet_ReadsTheSnapshotAfterEachIntervalWhileItSaysRunning()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => Answer(false), CancellationToken.None);

        // The check runs on the timer's callback up to its first await; the answers here are synchronous.
        _clock.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(0, Volatile.Read(ref _reads));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Volatile.Read(ref _reads));
        _clock.Advance(Interval);
        Assert.Equal(2, Volatile.Read(ref _reads));

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
        _clock.Advance(Interval);
        Assert.Equal(1, Volatile.Read(ref _reads)); // a whole interval after the last event
    }

    [Fact]
    public async Task SnapshotShowsTheEnd_CancelsTheToken()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => Answer(true), CancellationToken.None);

        _clock.Advance(Interval);

        Assert.True(check.Token.IsCancellationRequested);
        Assert.True(check.SnapshotShowedTheEnd);
    }

    [Fact]
    public async Task SnapshotFails_CountsAsRunning()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ =>
        {
            Interlocked.Increment(ref _reads);
            throw new HttpRequestException("refused");
        }, CancellationToken.None);

        _clock.Advance(Interval);
        _clock.Advance(Interval);

        Assert.Equal(2, Volatile.Read(ref _reads)); // it asked again after the failure
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
}
