using Microsoft.Extensions.Options;
using ResilientSse.Streaming;

namespace ResilientSse.Tests.Streaming;

public class SseClientOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new SseClientOptionsValidator().Validate(null, new SseClientOptions()).Succeeded);

    [Fact]
    public void Validate_EveryInvalidSetting_IsReportedWithItsValue()
    {
        var options = new SseClientOptions
        {
            IdleTimeout = TimeSpan.Zero,
            OfflineBudget = TimeSpan.FromSeconds(-1),
            InitialReconnectDelay = TimeSpan.FromSeconds(2),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
            HealthyConnectionThreshold = TimeSpan.FromSeconds(-3),
            JitterRatio = 1.5,
            MaxEventSize = 10,
        };

        var failures = new SseClientOptionsValidator().Validate(null, options).Failures!;

        Assert.Contains("IdleTimeout (00:00:00) must be greater than zero, or Timeout.InfiniteTimeSpan.", failures);
        Assert.Contains("OfflineBudget (-00:00:01) must be greater than zero, or Timeout.InfiniteTimeSpan.", failures);
        Assert.Contains("MaxReconnectDelay (00:00:01) must be at least InitialReconnectDelay (00:00:02).", failures);
        Assert.Contains("HealthyConnectionThreshold (-00:00:03) must not be negative.", failures);
        Assert.Contains("JitterRatio (1.5) must be between 0 and 1.", failures);
        Assert.Contains("MaxEventSize (10) must be at least 64 bytes.", failures);
        Assert.Equal(6, failures.Count());
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 0)]
    [InlineData(3, 0)]
    public void Validate_AnHttpVersionTheHandlerSpeaks_Succeeds(int major, int minor) =>
        Assert.True(new SseClientOptionsValidator().Validate(null, new SseClientOptions { HttpVersion = new Version(major, minor), HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact }).Succeeded);

    [Fact]
    public void Validate_AnUnknownHttpVersionOrPolicy_IsReportedWithItsValue()
    {
        var failures = new SseClientOptionsValidator().Validate(null, new SseClientOptions { HttpVersion = new Version(2, 5), HttpVersionPolicy = (HttpVersionPolicy)7 }).Failures!;

        Assert.Contains("HttpVersion (2.5) must be one of 1.0, 1.1, 2.0, 3.0.", failures);
        Assert.Contains("HttpVersionPolicy (7) is not a defined HttpVersionPolicy.", failures);
        Assert.Equal(2, failures.Count());
    }

    [Fact]
    public void Validate_NoHttpVersion_IsReported() =>
        Assert.Contains("HttpVersion (null) must be one of 1.0, 1.1, 2.0, 3.0.", new SseClientOptionsValidator().Validate(null, new SseClientOptions { HttpVersion = null! }).Failures!);

    [Fact]
    public void Validate_InfiniteTimeouts_AreAllowed() =>
        Assert.True(new SseClientOptionsValidator().Validate(null, new SseClientOptions { IdleTimeout = Timeout.InfiniteTimeSpan, OfflineBudget = Timeout.InfiniteTimeSpan }).Succeeded);

    [Fact]
    public void SseClient_InvalidOptions_ThrowsOnConstructionListingEveryError()
    {
        using var http = new HttpClient();

        var ex = Assert.Throws<OptionsValidationException>(() => new SseClient(http, new SseClientOptions { JitterRatio = -1, MaxEventSize = 1 }));

        Assert.Equal(2, ex.Failures.Count());
    }
}
