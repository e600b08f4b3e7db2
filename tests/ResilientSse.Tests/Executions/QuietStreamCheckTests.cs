using Microsoft.Extensions.Time.Testing;
using ResilientSse.Executions;
using ResilientSse.Executions.Internal;

namespace ResilientSse.Tests.Executions;

/// <summary>The quiet-stream check on a fake clock: when it reads the snapshot, and what a terminal answer does.</summary>
public sealed class QuietStreamCheckTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly ExecutionSnapshot Ended = new("e", ExecutionStatus.Completed, "completed") { LastEventId = "8" };
    private readonly FakeTimeProvider _clock = new();
    private int _reads;

    [Fact]
    public async Task Quiet_ReadsTheSnapshotAfterEachIntervalWhileItSaysRunning()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => Answer(null), CancellationToken.None);
        check.Start();

        await AdvanceAsync(check, Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(0, Volatile.Read(ref _reads));
        await AdvanceAsync(check, TimeSpan.FromSeconds(1));
        Assert.Equal(1, Volatile.Read(ref _reads));
        await AdvanceAsync(check, Interval);
        Assert.Equal(2, Volatile.Read(ref _reads));

        Assert.False(check.Token.IsCancellationRequested);
        Assert.False(check.Abandoned);
    }

    [Fact]
    public async Task NewEvents_StartTheQuietAgain()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => Answer(null), CancellationToken.None);
        check.Start();

        for (var i = 0; i < 5; i++)
        {
            await AdvanceAsync(check, TimeSpan.FromSeconds(20));
            check.OnEvent(_clock.GetTimestamp());
        }

        Assert.Equal(0, Volatile.Read(ref _reads));
        await AdvanceAsync(check, Interval);
        Assert.Equal(1, Volatile.Read(ref _reads)); // a whole interval after the last event
    }

    [Fact]
    public async Task SnapshotShowsTheEnd_CancelsTheTokenAndKeepsTheSnapshotForTheWatch()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ => Answer(Ended), CancellationToken.None);
        check.Start();

        await AdvanceAsync(check, Interval);

        Assert.True(check.Token.IsCancellationRequested);
        Assert.True(check.Abandoned);
        Assert.Same(Ended, check.TerminalSnapshot); // the watch decides with it: no second read
        Assert.Equal(1, Volatile.Read(ref _reads));
    }

    [Fact]
    public async Task NoSnapshotQuestion_QuietAloneAbandonsTheConnection()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, readTerminalSnapshot: null, CancellationToken.None);
        check.Start();

        await AdvanceAsync(check, Interval - TimeSpan.FromSeconds(1));
        Assert.False(check.Token.IsCancellationRequested);
        await AdvanceAsync(check, TimeSpan.FromSeconds(1));

        Assert.True(check.Token.IsCancellationRequested);
        Assert.True(check.Abandoned);
        Assert.Null(check.TerminalSnapshot);
    }

    [Fact]
    public async Task SnapshotFails_CountsAsRunning()
    {
        await using var check = new QuietStreamCheck(Interval, _clock, _ =>
        {
            Interlocked.Increment(ref _reads);
            throw new HttpRequestException("refused");
        }, CancellationToken.None);
        check.Start();

        await AdvanceAsync(check, Interval);
        await AdvanceAsync(check, Interval);

        Assert.Equal(2, Volatile.Read(ref _reads)); // it asked again after the failure
        Assert.False(check.Token.IsCancellationRequested);
        Assert.False(check.Abandoned);
    }

    [Fact]
    public async Task Check_RunsOffTheTimersThread()
    {
        var timerThread = -1;
        var checkThread = -1;
        await using var check = new QuietStreamCheck(Interval, _clock, _ =>
        {
            checkThread = Environment.CurrentManagedThreadId;
            return Answer(null);
        }, CancellationToken.None);
        check.Start();

        timerThread = Environment.CurrentManagedThreadId; // a fake clock fires its timers on the thread that advances it
        await AdvanceAsync(check, Interval);

        Assert.NotEqual(-1, checkThread);
        Assert.NotEqual(timerThread, checkThread);
    }

    [Fact]
    public async Task Infinite_NeverReads()
    {
        await using var check = new QuietStreamCheck(Timeout.InfiniteTimeSpan, _clock, _ => Answer(Ended), CancellationToken.None);
        check.Start();

        await AdvanceAsync(check, TimeSpan.FromDays(1));

        Assert.Equal(0, Volatile.Read(ref _reads));
        Assert.False(check.Token.IsCancellationRequested);
    }

    private async Task AdvanceAsync(QuietStreamCheck check, TimeSpan by)
    {
        _clock.Advance(by);
        await check.LastCheck.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private Task<ExecutionSnapshot?> Answer(ExecutionSnapshot? terminal)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(terminal);
    }
}
