using Microsoft.Extensions.Time.Testing;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Streaming;

public class ReconnectGovernorTests
{
    private static readonly Uri Origin = new("http://127.0.0.1:5080/workflow/executions/a/stream");

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Admit_ALoneSubscription_IsAdmittedAtOnce()
    {
        using var lane = ReconnectGovernor.For(_clock).Join(Origin);

        Assert.Equal(TimeSpan.Zero, lane.Admit());
        Assert.Equal(TimeSpan.Zero, lane.Admit());
    }

    [Fact]
    public void Admit_TimersOfTwoThousandFiringTogether_LetsThemOutAtTwiceTheBookedRate()
    {
        // 2,000 in a lane are booked at 100 per 100 ms; a pile-up (timers fired late, all at once) goes out at 200.
        var governor = ReconnectGovernor.For(_clock);
        var lanes = Enumerable.Range(0, 2000).Select(_ => governor.Join(Origin)).ToList();

        var first = lanes.Select(lane => lane.Admit()).ToList();
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        var second = lanes.Take(300).Select(lane => lane.Admit()).ToList();

        Assert.Equal(200, first.Count(w => w == TimeSpan.Zero));
        Assert.All(first.Where(w => w != TimeSpan.Zero), w => Assert.Equal(TimeSpan.FromMilliseconds(100), w));
        Assert.Equal(200, second.Count(w => w == TimeSpan.Zero));
        lanes.ForEach(lane => lane.Dispose());
    }

    [Fact]
    public async Task WaitForAdmissionAsync_LanePiledUp_GoesWhenTheWindowHasRoom()
    {
        var governor = ReconnectGovernor.For(_clock);
        var lanes = Enumerable.Range(0, 2000).Select(_ => governor.Join(Origin)).ToList();
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(TimeSpan.Zero, lanes[i].Admit());
        }

        var waiting = lanes[200].WaitForAdmissionAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(waiting.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        lanes.ForEach(lane => lane.Dispose());
    }

    [Fact]
    public void Reserve_AFewDozenAtOnce_AreNotDelayedMoreThanAFewMilliseconds()
    {
        var governor = ReconnectGovernor.For(_clock);
        var lanes = Enumerable.Range(0, 50).Select(_ => governor.Join(Origin)).ToList();

        var waits = lanes.Select(lane => lane.Reserve(TimeSpan.Zero)).ToList();

        Assert.True(waits.Max() <= TimeSpan.FromMilliseconds(50), waits.Max().ToString());
        lanes.ForEach(lane => lane.Dispose());
    }

    [Fact]
    public void Reserve_ALoneSubscription_IsNeverDelayed()
    {
        using var lane = ReconnectGovernor.For(_clock).Join(Origin);

        Assert.Equal(TimeSpan.Zero, lane.Reserve(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMilliseconds(250), lane.Reserve(TimeSpan.FromMilliseconds(250)));
    }

    [Fact]
    public void Reserve_TwoThousandSubscriptionsCutAtOnce_SpreadsThemSoNoHundredMillisecondsHoldMoreThanAFifth()
    {
        var governor = ReconnectGovernor.For(_clock);
        var lanes = Enumerable.Range(0, 2000).Select(_ => governor.Join(Origin)).ToList();

        var waits = lanes.Select(lane => lane.Reserve(TimeSpan.Zero)).ToList();

        var busiest = waits.GroupBy(wait => (long)(wait.TotalMilliseconds / 100)).Max(window => window.Count());
        Assert.True(busiest <= 400, $"{busiest} of 2000 reconnections in one 100 ms window");
        Assert.True(busiest <= 2000 / 10, $"{busiest} of 2000 reconnections in one 100 ms window, more than a tenth as booked");
        Assert.True(waits.Max() <= ReconnectGovernor.LongestSpread, $"the last came back only after {waits.Max()}");
        lanes.ForEach(lane => lane.Dispose());
    }

    [Fact]
    public void Reserve_OnlyEverAddsToTheWaitAsked()
    {
        var governor = ReconnectGovernor.For(_clock);
        var lanes = Enumerable.Range(0, 50).Select(_ => governor.Join(Origin)).ToList();
        var random = new Random(7);

        foreach (var lane in lanes)
        {
            var asked = TimeSpan.FromMilliseconds(random.Next(0, 40));
            Assert.True(lane.Reserve(asked) >= asked);
        }

        lanes.ForEach(lane => lane.Dispose());
    }

    [Fact]
    public void Reserve_OtherOrigins_DoNotShareSlots()
    {
        var governor = ReconnectGovernor.For(_clock);
        var crowd = Enumerable.Range(0, 500).Select(_ => governor.Join(Origin)).ToList();
        crowd.ForEach(lane => lane.Reserve(TimeSpan.Zero));

        using var other = governor.Join(new Uri("http://127.0.0.2:5080/stream"));

        Assert.Equal(TimeSpan.Zero, other.Reserve(TimeSpan.Zero));
        crowd.ForEach(lane => lane.Dispose());
    }

    [Fact]
    public void Reserve_AfterTheSlotsPassed_IsNotDelayedAgain()
    {
        var governor = ReconnectGovernor.For(_clock);
        var crowd = Enumerable.Range(0, 500).Select(_ => governor.Join(Origin)).ToList();
        crowd.ForEach(lane => lane.Reserve(TimeSpan.Zero));

        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.Zero, crowd[0].Reserve(TimeSpan.Zero));
        crowd.ForEach(lane => lane.Dispose());
    }

    [Fact]
    public void Dispose_TwoSubscriptionsOfOneOriginLeave_BothAreCountedOut()
    {
        var governor = ReconnectGovernor.For(_clock);
        var first = governor.Join(Origin);
        var second = governor.Join(Origin);

        first.Dispose();
        second.Dispose();
        using var next = governor.Join(Origin);

        Assert.Equal(1, next.Members);
    }

    [Fact]
    public void Reserve_AfterManyWatchesCameAndWentTwoAtATime_TwoThousandCutAtOnceAreStillSpread()
    {
        var governor = ReconnectGovernor.For(_clock);
        for (var i = 0; i < 20_000; i++)
        {
            var a = governor.Join(Origin);
            var b = governor.Join(Origin);
            a.Dispose();
            b.Dispose();
        }

        var lanes = Enumerable.Range(0, 2000).Select(_ => governor.Join(Origin)).ToList();
        var waits = lanes.Select(lane => lane.Reserve(TimeSpan.Zero)).ToList();

        var busiest = waits.GroupBy(wait => (long)(wait.TotalMilliseconds / 100)).Max(window => window.Count());
        Assert.True(busiest <= 400, $"{busiest} of 2000 reconnections in one 100 ms window (the lane counts {lanes[0].Members} members)");
        lanes.ForEach(lane => lane.Dispose());
    }
}
