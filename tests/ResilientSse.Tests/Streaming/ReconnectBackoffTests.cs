using Microsoft.Extensions.Time.Testing;
using ResilientSse.Streaming;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Streaming;

public class ReconnectBackoffTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void NextDelay_ConsecutiveFailures_DoubleFromTheInitialDelay()
    {
        var backoff = Create(random: 0);

        var delays = Enumerable.Range(0, 4).Select(_ => backoff.NextDelay()).ToList();

        Assert.Equal([Seconds(1), Seconds(2), Seconds(4), Seconds(8)], delays);
    }

    [Fact]
    public void NextDelay_ManyFailures_CappedAtMaxReconnectDelay()
    {
        var backoff = Create(random: 0);

        var delays = Enumerable.Range(0, 40).Select(_ => backoff.NextDelay()).ToList();

        Assert.Equal(Seconds(30), delays[^1]);
        Assert.All(delays, d => Assert.True(d <= Seconds(30)));
    }

    [Theory]
    [InlineData(0.0, 4000)]
    [InlineData(0.999999, 6000)]
    [InlineData(0.5, 5000)]
    public void NextDelay_Jitter_StaysWithinDAndDTimesOnePlusRatio(double random, int expectedMs)
    {
        var backoff = Create(random);
        backoff.NextDelay();
        backoff.NextDelay();

        var delay = backoff.NextDelay(); // d = 4 s, ratio 0.5

        Assert.Equal(expectedMs, delay.TotalMilliseconds, tolerance: 1);
    }

    [Fact]
    public void NextDelay_ServerRetry_BecomesTheBaseDelay()
    {
        var backoff = Create(random: 0);
        backoff.SetServerRetry(TimeSpan.FromMilliseconds(250));

        Assert.Equal(TimeSpan.FromMilliseconds(250), backoff.NextDelay());
        Assert.Equal(TimeSpan.FromMilliseconds(500), backoff.NextDelay());
    }

    [Fact]
    public void NextDelay_ServerRetryLongerThanTheCap_IsHonoured()
    {
        var backoff = Create(random: 0);
        backoff.SetServerRetry(Seconds(45));

        Assert.Equal(Seconds(45), backoff.NextDelay());
    }

    [Fact]
    public void NextDelay_HugeRetryOrRetryAfter_IsClampedToWhatATimerTakes()
    {
        var backoff = Create(random: 0.999999);
        backoff.SetServerRetry(TimeSpan.FromDays(100));

        Assert.Equal(ReconnectBackoff.LongestDelay, backoff.NextDelay());
        Assert.Equal(ReconnectBackoff.LongestDelay, backoff.NextDelay(TimeSpan.FromDays(365)));
    }

    [Fact]
    public void NextDelay_RetryAfterLongerThanTheBackoff_Wins()
    {
        var backoff = Create(random: 0);

        Assert.Equal(Seconds(90), backoff.NextDelay(Seconds(90)));
        Assert.Equal(Seconds(2), backoff.NextDelay(Seconds(1)));
    }

    [Fact]
    public void OnDisconnected_AfterAHealthyConnection_ResetsTheBackoff()
    {
        var backoff = Create(random: 0);
        backoff.NextDelay();
        backoff.NextDelay();
        backoff.NextDelay();

        backoff.OnConnected();
        _clock.Advance(Seconds(30));
        backoff.OnDisconnected();

        Assert.Equal(Seconds(1), backoff.NextDelay());
    }

    [Fact]
    public void OnDisconnected_AfterAShortConnection_KeepsBackingOff()
    {
        var backoff = Create(random: 0);
        backoff.NextDelay();
        backoff.NextDelay();

        backoff.OnConnected();
        _clock.Advance(Seconds(29));
        backoff.OnDisconnected();

        Assert.Equal(Seconds(4), backoff.NextDelay());
    }

    [Fact]
    public void Reset_StartsAgainFromTheBase()
    {
        var backoff = Create(random: 0);
        backoff.NextDelay();
        backoff.NextDelay();

        backoff.Reset();

        Assert.Equal(Seconds(1), backoff.NextDelay());
    }

    private ReconnectBackoff Create(double random) => new(new SseClientOptions(), _clock, () => random);

    private static TimeSpan Seconds(double value) => TimeSpan.FromSeconds(value);
}
