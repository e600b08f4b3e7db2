using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ResilientSse.Executions;
using ResilientSse.Executions.Internal;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Executions;

public class EventSequencerTests
{
    private readonly EventSequencer _sequencer = new("exec-1", new ExecutionWatcherOptions(), new FakeTimeProvider());

    [Fact]
    public void Accept_EventsInOrder_YieldsEachWithItsSequence()
    {
        var first = _sequencer.Accept(Sse("1", "workflow.started"), out var gap1);
        var second = _sequencer.Accept(Sse("2", "node.started"), out var gap2);

        Assert.Null(gap1);
        Assert.Null(gap2);
        Assert.Equal(1, first!.Sequence);
        Assert.Equal("2", second!.Id);
        Assert.Equal(ExecutionEventSource.Stream, second.Source);
        Assert.Equal(2, _sequencer.LastSequence);
        Assert.Equal("2", _sequencer.LastEventId);
    }

    [Fact]
    public void Accept_IdAlreadyYielded_ReturnsNull()
    {
        _sequencer.Accept(Sse("1", "workflow.started"), out _);
        _sequencer.Accept(Sse("2", "node.started"), out _);

        Assert.Null(_sequencer.Accept(Sse("1", "workflow.started"), out _));
        Assert.Null(_sequencer.Accept(Sse("2", "node.started"), out _));
        Assert.Equal(2, _sequencer.LastSequence);
    }

    [Fact]
    public void Accept_IdJumps_ReportsTheSkippedRunAsAGap()
    {
        _sequencer.Accept(Sse("5", "node.started"), out var first);
        var item = _sequencer.Accept(Sse("9", "node.completed"), out var gap);

        Assert.Equal((1L, 4L), (first!.MissingFrom!.Value, first.MissingTo!.Value));
        Assert.Equal(ExecutionEventKind.Gap, gap!.Kind);
        Assert.Equal(ExecutionEventSource.Watcher, gap.Source);
        Assert.Equal((6L, 8L), (gap.MissingFrom!.Value, gap.MissingTo!.Value));
        Assert.Equal(9, item!.Sequence);
    }

    [Fact]
    public void Accept_TerminalType_MarksTheEventTerminalWithItsStatus()
    {
        var item = _sequencer.Accept(Sse("1", "workflow.failed", """{"executionId":"exec-1","status":"failed"}"""), out _);

        Assert.True(item!.IsTerminal);
        Assert.Equal(ExecutionStatus.Failed, item.Status);
        Assert.True(_sequencer.IsComplete);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-3")]
    [InlineData("1.5")]
    public void Accept_NonNumericId_ThrowsProtocolExceptionNamingTheId(string id)
    {
        var ex = Assert.Throws<ExecutionProtocolException>(() => _sequencer.Accept(Sse(id, "node.started"), out _));

        Assert.Contains($"'{id}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exec-1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_EventWithoutAnIdField_IsYieldedInOrderNeitherADuplicateNorAGap()
    {
        _sequencer.Accept(Sse("1", "workflow.started"), out _);
        _sequencer.Accept(Sse("2", "node.started"), out _);

        // Legal SSE: the last event ID in effect is still "2", which a naive check would take for a duplicate.
        var idless = _sequencer.Accept(TestSse.EventWithoutId("node.progress", "{}", "2"), out var gap);
        var next = _sequencer.Accept(Sse("3", "node.completed"), out var gapAfter);

        Assert.NotNull(idless);
        Assert.Null(idless.Id);
        Assert.Null(idless.Sequence);
        Assert.Equal("node.progress", idless.Type);
        Assert.Null(gap);
        Assert.Equal(3, next!.Sequence);
        Assert.Null(gapAfter);
        Assert.Equal("3", _sequencer.LastEventId);
    }

    [Fact]
    public void Accept_EmptyIdField_IsAnEventWithoutAnId()
    {
        _sequencer.Accept(Sse("1", "workflow.started"), out _);

        var item = _sequencer.Accept(Sse(string.Empty, "node.progress"), out var gap);

        Assert.Null(item!.Sequence);
        Assert.Null(gap);
        Assert.Equal(1, _sequencer.LastSequence);
    }

    [Fact]
    public void Accept_DataNotJson_ThrowsProtocolExceptionNamingTheEvent()
    {
        var ex = Assert.Throws<ExecutionProtocolException>(() => _sequencer.Accept(Sse("4", "node.started", "{not json"), out _));

        Assert.Contains("event 4", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    [InlineData("[1,2")]
    [InlineData("{\"a\":\"\\x\"}")]
    public void Accept_DataNotOneJsonValue_ThrowsProtocolException(string data)
    {
        Assert.Throws<ExecutionProtocolException>(() => _sequencer.Accept(Sse("4", "node.started", data), out _));
    }

    [Fact]
    public void Accept_Event_KeepsTheDataTextAndParsesItWhenRead()
    {
        const string data = """{ "executionId": "exec-1", "n": [1, 2.50] }""";

        var item = _sequencer.Accept(Sse("1", "node.started", data), out _)!;

        Assert.Equal(data, Encoding.UTF8.GetString(item.DataUtf8.Span));
        Assert.Equal(2.5m, item.Data.GetProperty("n")[1].GetDecimal());
        Assert.Equal(JsonValueKind.Object, item.Data.ValueKind);
    }

    [Fact]
    public void Accept_DataNotUtf8_KeepsItWithReplacementCharacters()
    {
        var sse = new SseEvent { EventType = "node.started", DataUtf8 = new byte[] { (byte)'"', 0xFF, (byte)'"' }, LastEventId = "1", HasIdField = true };

        var item = _sequencer.Accept(sse, out _)!;

        Assert.Equal("\uFFFD", item.Data.GetString());
        Assert.Equal("\"\uFFFD\"", Encoding.UTF8.GetString(item.DataUtf8.Span));
    }

    [Fact]
    public void FinishFromSnapshot_SnapshotNamesNoNewId_TerminalHasNoId()
    {
        _sequencer.Accept(Sse("1", "workflow.started"), out _);
        _sequencer.Accept(Sse("2", "node.completed"), out _);
        var lagging = new ExecutionSnapshot("exec-1", ExecutionStatus.Completed, "completed") { LastEventId = "2" };

        var terminal = Assert.Single(_sequencer.FinishFromSnapshot(lagging));

        Assert.Equal((null, null), (terminal.Id, terminal.Sequence)); // id 2 was yielded already: ids never repeat
        Assert.Equal("2", _sequencer.LastEventId);
    }

    [Fact]
    public void FinishFromSnapshot_EventsMissing_ReportsGapUpToTheTerminalsIdThenTerminal()
    {
        _sequencer.Accept(Sse("1", "workflow.started"), out _);
        var snapshot = new ExecutionSnapshot("exec-1", ExecutionStatus.Completed, "completed") { LastEventId = "8", ExecutionTime = TimeSpan.FromMilliseconds(42) };

        var items = _sequencer.FinishFromSnapshot(snapshot).ToList();

        Assert.Equal(2, items.Count);
        Assert.Equal((2L, 7L), (items[0].MissingFrom!.Value, items[0].MissingTo!.Value));
        var terminal = items[1];
        Assert.Equal(ExecutionEventSource.Snapshot, terminal.Source);
        Assert.Equal("workflow.completed", terminal.Type);
        Assert.Equal(("8", 8L), (terminal.Id, terminal.Sequence)); // the id of the terminal event it stands for
        Assert.Equal(ExecutionStatus.Completed, terminal.Status);
        Assert.Equal(42, terminal.Data.GetProperty("executionTime").GetInt64());
        Assert.Equal("completed", terminal.Data.GetProperty("status").GetString());
    }

    [Fact]
    public void FinishFromSnapshot_NothingMissing_YieldsOnlyTheTerminalEvent()
    {
        _sequencer.Accept(Sse("1", "workflow.started"), out _);
        var snapshot = new ExecutionSnapshot("exec-1", ExecutionStatus.Cancelled, "cancelled") { LastEventId = "1" };

        var item = Assert.Single(_sequencer.FinishFromSnapshot(snapshot));

        Assert.Equal("workflow.cancelled", item.Type);
        Assert.True(item.IsTerminal);
    }

    [Fact]
    public void FinishFromSnapshot_OnlyTheTerminalMissing_TheSnapshotStandsForItWithoutAGap()
    {
        _sequencer.Accept(Sse("1", "workflow.started"), out _);
        _sequencer.Accept(Sse("2", "node.started"), out _);
        var snapshot = new ExecutionSnapshot("exec-1", ExecutionStatus.Completed, "completed") { LastEventId = "3" };

        var item = Assert.Single(_sequencer.FinishFromSnapshot(snapshot));

        Assert.Equal("workflow.completed", item.Type);
        Assert.Equal(ExecutionEventSource.Snapshot, item.Source);
        Assert.Equal(3, _sequencer.LastSequence);
    }

    private static SseEvent Sse(string id, string type, string data = """{"executionId":"exec-1"}""") => TestSse.Event(type, data, id);
}
