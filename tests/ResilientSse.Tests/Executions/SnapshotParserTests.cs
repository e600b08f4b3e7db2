using ResilientSse.Executions;
using ResilientSse.Executions.Internal;

namespace ResilientSse.Tests.Executions;

public class SnapshotParserTests
{
    private static readonly ExecutionWatcherOptions Options = new();

    [Fact]
    public void Parse_ContractSnapshot_ReadsEveryField()
    {
        const string json = """
            { "id": "wf_exec_1", "workflowId": "very-long", "status": "completed",
              "startedAt": "2026-11-24T12:00:00Z", "completedAt": "2026-11-24T12:00:05Z", "executionTime": 5000,
              "lastEventId": "22", "output": {"ok": true}, "error": null, "someFutureField": [1, 2] }
            """;

        var snapshot = SnapshotParser.Parse("wf_exec_1", json, Options);

        Assert.Equal(ExecutionStatus.Completed, snapshot.Status);
        Assert.Equal("completed", snapshot.StatusName);
        Assert.True(snapshot.IsTerminal);
        Assert.Equal("very-long", snapshot.WorkflowId);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 12, 0, 5, TimeSpan.Zero), snapshot.CompletedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(5000), snapshot.ExecutionTime);
        Assert.Equal("22", snapshot.LastEventId);
        Assert.True(snapshot.Output!.Value.GetProperty("ok").GetBoolean());
        Assert.Null(snapshot.Error);
    }

    [Fact]
    public void Parse_RunningWithNoEventsYet_IsNotTerminalAndHasNoLastEventId()
    {
        var snapshot = SnapshotParser.Parse("e", """{"id":"e","status":"running","lastEventId":null}""", Options);

        Assert.Equal(ExecutionStatus.Running, snapshot.Status);
        Assert.False(snapshot.IsTerminal);
        Assert.Null(snapshot.LastEventId);
    }

    [Fact]
    public void Parse_UnknownStatusName_IsUnknownAndNotTerminal()
    {
        var snapshot = SnapshotParser.Parse("e", """{"id":"e","status":"paused"}""", Options);

        Assert.Equal(ExecutionStatus.Unknown, snapshot.Status);
        Assert.False(snapshot.IsTerminal);
    }

    [Theory]
    [InlineData("<html>oops</html>", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"id":"e"}""", "no 'status'")]
    [InlineData("""{"id":"other","status":"running"}""", "describes execution 'other'")]
    [InlineData("""{"id":"e","status":"running","startedAt":"yesterday"}""", "'startedAt'")]
    public void Parse_MalformedSnapshot_ThrowsProtocolExceptionSayingWhatIsWrong(string json, string expected)
    {
        var ex = Assert.Throws<ExecutionProtocolException>(() => SnapshotParser.Parse("e", json, Options));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("e", ex.ExecutionId);
    }
}
