using ResilientSse.Watcher;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>Sizes for <c>--max-event-size</c>: bytes, or binary units.</summary>
public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("1048576", 1_048_576)]
    [InlineData("512KiB", 524_288)]
    [InlineData("10MiB", 10_485_760)]
    [InlineData("1GiB", 1_073_741_824)]
    [InlineData("64B", 64)]
    [InlineData("10mib", 10_485_760)]
    public void TryParse_ReadsBytesAndBinaryUnits(string text, int expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10MB")]
    [InlineData("1.5MiB")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("2GiB")]
    [InlineData("MiB")]
    public void TryParse_RejectsWhatIsNotASize(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData(1_048_576, "1MiB")]
    [InlineData(524_288, "512KiB")]
    [InlineData(1000, "1000B")]
    public void Format_UsesTheLargestUnitThatDividesIt(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));
}
