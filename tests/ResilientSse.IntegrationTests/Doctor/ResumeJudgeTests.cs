using ResilientSse.Watcher.Doctor;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>How a resumed connection is judged by its first event, from the ids seen before it.</summary>
public sealed class ResumeJudgeTests
{
    [Theory]
    [InlineData("3", "4", "Honoured")]
    [InlineData("3", "1", "Ignored")]
    [InlineData("3", "2", "Repeats")]
    [InlineData("3", "3", "Repeats")]
    [InlineData("3", "5", "Skips")]
    [InlineData("3", null, "Inconclusive")]
    [InlineData("5", "6", "Honoured")] // past what was seen: the next sequence number
    [InlineData("5", "8", "Skips")]
    [InlineData("5", "5", "Repeats")]
    public void Judge_SequenceIds(string sent, string? received, string expected) =>
        Assert.Equal(expected, ResumeJudge.Judge(sent, received, ["1", "2", "3", "4", "5"]).ToString());

    [Theory]
    [InlineData("b", "c", "Honoured")]
    [InlineData("b", "a", "Ignored")]
    [InlineData("c", "b", "Repeats")]
    [InlineData("a", "c", "Skips")]
    [InlineData("c", "zz", "Honoured")] // an opaque id not seen yet: nothing says otherwise
    public void Judge_OpaqueIds_GoByTheOrderSeen(string sent, string received, string expected) =>
        Assert.Equal(expected, ResumeJudge.Judge(sent, received, ["a", "b", "c"]).ToString());

    [Fact]
    public void Judge_NumbersWithGaps_DoNotCallAJumpASkip() =>
        Assert.Equal(ResumeVerdict.Honoured, ResumeJudge.Judge("30", "40", ["10", "20", "30"]));
}
