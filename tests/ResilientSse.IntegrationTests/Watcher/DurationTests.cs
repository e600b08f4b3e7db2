using ResilientSse.Watcher;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>Durations as people write them: what the console watcher prints, it also reads.</summary>
public sealed class DurationTests
{
    [Theory]
    [InlineData(250, "250ms")]
    [InlineData(2.5, "2.5ms")]
    [InlineData(999.6, "1s")]
    [InlineData(1000, "1s")]
    [InlineData(1300, "1.3s")]
    [InlineData(1246, "1.2s")]
    [InlineData(59_960, "1m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(600_000, "10m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(3_900_000, "1h5m")]
    public void Format_WritesTheWayPeopleWriteDurations(double milliseconds, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1.3s", 1300)]
    [InlineData("5m", 300_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h5m", 3_900_000)]
    public void TryParse_ReadsSimpleAndCompoundDurations(string text, double milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("0s")]
    [InlineData("-2s")]
    [InlineData("s")]
    [InlineData("1m 30s")]
    public void TryParse_RejectsWhatIsNotADuration(string text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData(250)]
    [InlineData(1300)]
    [InlineData(90_000)]
    [InlineData(600_000)]
    [InlineData(3_900_000)]
    public void Format_IsReadBackByTryParse(double milliseconds)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);
        Assert.True(Duration.TryParse(Duration.Format(value), out var read));
        Assert.Equal(value, read);
    }
}
