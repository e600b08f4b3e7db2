using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>
/// The WHATWG processing model through the public client, each case across LF, CRLF and CR line ends, and
/// across a whole body, one byte per read (splitting every CRLF and UTF-8 character), and two and three bytes per read.
/// </summary>
public class SseClientParsingTests
{
    private static readonly (string Name, string Body, (string Type, string Data, string Id)[] Expected)[] Cases =
    [
        ("two events", "data: one\n\ndata: two\n\n", [("message", "one", ""), ("message", "two", "")]),
        ("data lines joined with LF", "data: a\ndata: b\ndata\n\n", [("message", "a\nb\n", "")]),
        ("one leading space removed", "data:  two spaces\ndata:none\n\n", [("message", " two spaces\nnone", "")]),
        ("event type", "event: custom\ndata: x\n\ndata: y\n\n", [("custom", "x", ""), ("message", "y", "")]),
        ("comments and unknown fields ignored", ": hello\nfoo: bar\ndata: x\nbaz\n\n", [("message", "x", "")]),
        ("block without data not dispatched", ": only a comment\nid: 3\n\ndata: after\n\n", [("message", "after", "3")]),
        ("id persists across events", "id: 5\ndata: a\n\ndata: b\n\nid\ndata: c\n\n", [("message", "a", "5"), ("message", "b", "5"), ("message", "c", "")]),
        ("id with NUL ignored", "id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n", [("message", "a", "1"), ("message", "b", "1")]),
        ("one BOM stripped", "\uFEFFdata: a\n\n", [("message", "a", "")]),
        ("only one BOM stripped", "\uFEFF\uFEFFdata: a\n\ndata: b\n\n", [("message", "b", "")]),
        ("UTF-8 in data", "data: é€𝄞 ünï\n\n", [("message", "é€𝄞 ünï", "")]),
        ("retry not dispatched", "retry: 0\n\nretry: 12a\ndata: x\n\n", [("message", "x", "")]),
        ("event cut off at the end not dispatched", "data: whole\n\ndata: cut", [("message", "whole", "")]),
        ("colon in value kept", "data: a:b: c\n\n", [("message", "a:b: c", "")]),
        ("event type reset by a block without data", "event: nothing\n\ndata: after\n\n", [("message", "after", "")]),
        ("id of a block cut off at the end not taken", "id: 1\ndata: a\n\nid: 2\ndata: b", [("message", "a", "1")]),
        ("empty event type is message", "event:\ndata: a\n\nevent\ndata: b\n\n", [("message", "a", ""), ("message", "b", "")]),
    ];

    public static TheoryData<string, string, int> Matrix() => ProcessingModelMatrix.For(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task SubscribeAsync_ProcessingModelCase_YieldsExactlyTheDispatchedEvents(string name, string lineEnd, int chunkSize)
    {
        var (_, body, expected) = Cases.Single(c => c.Name == name);
        var text = ProcessingModelMatrix.WithLineEnd(body, lineEnd);
        using var server = new SseTestServer().ThenStream(text, chunkSize).ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address));

        Assert.Equal(expected, events.Select(e => (e.EventType, e.Data, e.LastEventId)));
    }

    [Fact]
    public async Task SubscribeAsync_EventsCarryTheirConnectionNumber()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: a\n\n").ThenStream("id: 2\ndata: b\n\n").ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address));

        Assert.Equal([1, 2], events.Select(e => e.Connection));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1000)]
    public async Task SubscribeAsync_LinesLongerThanTheReadBuffer_AreReassembled(int chunkSize)
    {
        var big = string.Concat(Enumerable.Range(0, 10_000).Select(i => (char)('a' + (i % 26))));
        using var server = new SseTestServer().ThenStream($"data: {big}\ndata: {big}\n\ndata: small\n\n", chunkSize).ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address));

        Assert.Equal([big + "\n" + big, "small"], events.Select(e => e.Data));
    }
}
