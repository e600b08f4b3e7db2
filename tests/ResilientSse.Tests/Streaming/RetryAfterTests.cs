using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Streaming;

public class RetryAfterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Read_DelaySeconds_IsTheDelay() =>
        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfter.Read(new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), _clock));

    [Fact]
    public void Read_HttpDate_IsTheTimeUntilThen() =>
        Assert.Equal(TimeSpan.FromSeconds(20), RetryAfter.Read(new RetryConditionHeaderValue(_clock.GetUtcNow().AddSeconds(20)), _clock));

    [Fact]
    public void Read_HttpDateInThePast_IsZero() =>
        Assert.Equal(TimeSpan.Zero, RetryAfter.Read(new RetryConditionHeaderValue(_clock.GetUtcNow().AddMinutes(-1)), _clock));

    [Fact]
    public void Read_NoHeader_IsNull() => Assert.Null(RetryAfter.Read(null, _clock));
}
