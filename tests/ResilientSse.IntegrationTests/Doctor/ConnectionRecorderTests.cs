using ResilientSse.Watcher.Doctor;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>Lines to events, comments and <c>retry:</c>, with arrival times, following the WHATWG field rules.</summary>
public sealed class ConnectionRecorderTests
{
    private static readonly DateTimeOffset Wall = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OnLine_AStream_RecordsEventsCommentsAndTheFirstRetry()
    {
        var recorder = Feed(
            ("retry: 1500", 0), (string.Empty, 0),
            (": keep-alive", 100), (string.Empty, 100),
            ("id: 7", 200), ("event: node.completed", 200), ("data: {\"timestamp\":\"2026-11-30T11:59:59.500Z\",\"n\":1}", 200), (string.Empty, 250),
            ("retry: 10", 300), ("data: plain", 300), ("data: two lines", 300), (string.Empty, 300));

        Assert.Equal(1500, recorder.RetryMilliseconds);
        Assert.Equal([TimeSpan.FromMilliseconds(100)], recorder.Comments);
        Assert.Equal(2, recorder.Events.Count);
        var first = recorder.Events[0];
        Assert.Equal(("7", "node.completed", TimeSpan.FromMilliseconds(250)), (first.Id, first.Type, first.ArrivedAt));
        Assert.Equal(Wall.AddMilliseconds(-500), first.Timestamp);
        Assert.Equal("id: 7\nevent: node.completed\ndata: {\"timestamp\":\"2026-11-30T11:59:59.500Z\",\"n\":1}\n\n".Length, first.Bytes);
        Assert.Equal((null, "message", (DateTimeOffset?)null), (recorder.Events[1].Id, recorder.Events[1].Type, recorder.Events[1].Timestamp));
    }

    [Theory]
    [InlineData("retry: 1s")]
    [InlineData("retry:")]
    [InlineData("retry: -5")]
    public void OnLine_InvalidRetry_IsIgnored(string line) => Assert.Null(Feed((line, 0), (string.Empty, 0)).RetryMilliseconds);

    [Fact]
    public void OnLine_FieldsWithoutData_DispatchNothing() =>
        Assert.Empty(Feed(("id: 3", 0), ("event: x", 0), (string.Empty, 0)).Events);

    private static ConnectionRecorder Feed(params (string Line, int AtMs)[] lines)
    {
        var recorder = new ConnectionRecorder();
        foreach (var (line, at) in lines)
        {
            recorder.OnLine(line, line.Length + 1, TimeSpan.FromMilliseconds(at), Wall);
        }

        return recorder;
    }
}
