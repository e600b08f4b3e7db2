using Microsoft.Extensions.Time.Testing;
using ResilientSse.Streaming;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Streaming;

public class WaitPolicyTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void AfterFailure_ConsecutiveFailures_DoubleFromTheInitialDelay()
    {
        var backoff = Create(random: 0);

        var delays = Enumerable.Range(0, 4).Select(_ => backoff.AfterFailure(null)).ToList();

        Assert.Equal([Seconds(1), Seconds(2), Seconds(4), Seconds(8)], delays);
    }

    [Fact]
    public void AfterFailure_ManyFailures_CappedAtMaxReconnectDelay()
    {
        var backoff = Create(random: 0);

        var delays = Enumerable.Range(0, 40).Select(_ => backoff.AfterFailure(null)).ToList();

        Assert.Equal(Seconds(30), delays[^1]);
        Assert.All(delays, d => Assert.True(d <= Seconds(30)));
    }

    [Theory]
    [InlineData(0.0, 4000)]
    [InlineData(0.999999, 6000)]
    [InlineData(0.5, 5000)]
    public void AfterFailure_Jitter_StaysWithinDAndDTimesOnePlusRatio(double random, int expectedMs)
    {
        var backoff = Create(random);
        backoff.AfterFailure(null);
        backoff.AfterFailure(null);

        var delay = backoff.AfterFailure(null); // d = 4 s, ratio 0.5

        Assert.Equal(expectedMs, delay.TotalMilliseconds, tolerance: 1);
    }

    [Fact]
    public void AfterFailure_ServerRetry_BecomesTheBaseDelay()
    {
        var backoff = Create(random: 0);
        backoff.SetServerRetry(TimeSpan.FromMilliseconds(250));

        Assert.Equal(TimeSpan.FromMilliseconds(250), backoff.AfterFailure(null));
        Assert.Equal(TimeSpan.FromMilliseconds(500), backoff.AfterFailure(null));
    }

    [Fact]
    public void AfterFailure_ServerRetryLongerThanTheCap_IsHonoured()
    {
        var backoff = Create(random: 0);
        backoff.SetServerRetry(Seconds(45));

        Assert.Equal(Seconds(45), backoff.AfterFailure(null));
    }

    [Fact]
    public void AfterFailure_HugeRetryOrRetryAfter_IsClampedToWhatATimerTakes()
    {
        var backoff = Create(random: 0.999999);
        backoff.SetServerRetry(TimeSpan.FromDays(100));

        Assert.Equal(WaitPolicy.LongestDelay, backoff.AfterFailure(null));
        Assert.Equal(WaitPolicy.LongestDelay, backoff.AfterFailure(TimeSpan.FromDays(365)));
    }

    [Fact]
    public void AfterFailure_RetryAfterLongerThanTheBackoff_Wins()
    {
        var backoff = Create(random: 0);

        Assert.Equal(Seconds(90), backoff.AfterFailure(Seconds(90)));
        Assert.Equal(Seconds(2), backoff.AfterFailure(Seconds(1)));
    }

    [Fact]
    public void OnConnectionEnded_AfterAHealthyConnection_ResetsTheBackoff()
    {
        var backoff = Create(random: 0);
        backoff.AfterFailure(null);
        backoff.AfterFailure(null);
        backoff.AfterFailure(null);

        backoff.OnConnected();
        _clock.Advance(Seconds(30));
        backoff.OnConnectionEnded();

        Assert.Equal(Seconds(1), backoff.AfterFailure(null));
    }

    [Fact]
    public void OnConnectionEnded_AfterAShortConnection_KeepsBackingOff()
    {
        var backoff = Create(random: 0);
        backoff.AfterFailure(null);
        backoff.AfterFailure(null);

        backoff.OnConnected();
        _clock.Advance(Seconds(29));
        backoff.OnConnectionEnded();

        Assert.Equal(Seconds(4), backoff.AfterFailure(null));
    }

    [Fact]
    public void AfterDeliveringCut_First_IsAFastResume()
    {
        var policy = Create(random: 0.5);
        policy.SetServerRetry(Seconds(3));

        Assert.Equal(TimeSpan.Zero, policy.AfterDeliveringCut());
    }

    [Fact]
    public void AfterDeliveringCut_AfterTheFastResume_WaitsTheServersRetryWithJitterEveryTime()
    {
        // A server that cuts after every event and asks retry: 500 is followed at retry: each time, never faster,
        // and never doubled: a connection that delivered an event resets the backoff to retry: (finding 12).
        var policy = Create(random: 0.5);
        policy.SetServerRetry(TimeSpan.FromMilliseconds(500));
        policy.AfterDeliveringCut();

        var waits = Enumerable.Range(0, 5).Select(_ =>
        {
            policy.OnConnected();
            _clock.Advance(TimeSpan.FromMilliseconds(10));
            policy.OnConnectionEnded();
            return policy.AfterDeliveringCut();
        }).ToList();

        Assert.All(waits, wait => Assert.Equal(625, wait.TotalMilliseconds, tolerance: 1)); // 500 ms plus half the jitter ratio (0.5 × 0.5)
    }

    [Fact]
    public void AfterDeliveringCut_AfterAConnectionThatStayedUpForRetry_IsFastAgain()
    {
        var policy = Create(random: 0);
        policy.SetServerRetry(Seconds(1));
        policy.AfterDeliveringCut();

        policy.OnConnected();
        _clock.Advance(Seconds(1));
        policy.OnConnectionEnded();

        Assert.Equal(TimeSpan.Zero, policy.AfterDeliveringCut());
    }

    [Fact]
    public void AfterDeliveringCut_AfterFailures_StartsTheDoublingAgain()
    {
        var policy = Create(random: 0);
        policy.AfterDeliveringCut();
        policy.AfterFailure(null);
        policy.AfterFailure(null);

        policy.AfterDeliveringCut();

        Assert.Equal(Seconds(2), policy.AfterFailure(null));
    }

    [Fact]
    public void AfterFailure_WithAGovernorLane_NeverShorterThanThePolicysWait()
    {
        var policy = Create(random: 0);
        using var lane = ReconnectGovernor.For(_clock).Join(new Uri("http://127.0.0.1:1/stream"));
        policy.Lane = lane;

        Assert.Equal(Seconds(1), policy.AfterFailure(null));
        Assert.Equal(Seconds(2), policy.AfterFailure(null));
    }

    private WaitPolicy Create(double random) => new(new SseClientOptions(), _clock, () => random);

    private static TimeSpan Seconds(double value) => TimeSpan.FromSeconds(value);
}
