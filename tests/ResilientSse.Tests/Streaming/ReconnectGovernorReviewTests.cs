using Microsoft.Extensions.Time.Testing;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Streaming;

/// <summary>Review of the governor's membership bookkeeping: lanes leaving and re-joining.</summary>
public class ReconnectGovernorReviewTests
{
    private static readonly Uri Origin = new("http://127.0.0.1:5080/workflow/executions/a/stream");

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Dispose_TwoSubscriptionsOfOneOriginLeave_BothAreCountedOut()
    {
        var governor = ReconnectGovernor.For(_clock);
        var first = governor.Join(Origin);
        var second = governor.Join(Origin);

        first.Dispose();
        second.Dispose();
        using var next = governor.Join(Origin);

        // Join hands every member the same Lane object, whose Dispose only counts the first caller out.
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
