using System.Net.ServerSentEvents;
using System.Text;
using ResilientSse.Streaming;
using ResilientSse.Streaming.Internal;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>
/// The parser tells whether the block it just dispatched had an <c>id</c> field of its own — which the last event ID,
/// persisting from earlier blocks, cannot — across LF, CRLF and CR line ends, and one, two and three bytes per read.
/// </summary>
public class EventStreamParserIdFieldTests
{
    private static readonly (string Name, string Body, (string Data, bool HasId, string LastEventId)[] Expected)[] Cases =
    [
        ("id then none", "id: 1\ndata: a\n\ndata: b\n\n", [("a", true, "1"), ("b", false, "1")]),
        ("id after data", "data: a\nid: 2\n\n", [("a", true, "2")]),
        ("empty id value counts", "id: 1\ndata: a\n\nid:\ndata: b\n\n", [("a", true, "1"), ("b", true, "")]),
        ("id without colon counts", "id\ndata: a\n\n", [("a", true, "")]),
        ("id with NUL ignored", "id: 1\u00002\ndata: a\n\n", [("a", false, "")]),
        ("id of a block without data not carried on", "id: 3\n\ndata: a\n\n", [("a", false, "3")]),
        ("other fields and comments are not ids", ": id: 1\nids: 1\nidx\ndata: a\n\n", [("a", false, "")]),
        ("each block on its own", "data: a\nid: 4\n\nid: 5\ndata: b\n\ndata: c\n\n", [("a", true, "4"), ("b", true, "5"), ("c", false, "5")]),
        ("cut-off block not dispatched", "data: a\n\nid: 9\ndata: b", [("a", false, "")]),
    ];

    public static TheoryData<string, string, int> Matrix() => ProcessingModelMatrix.For(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task MoveNextAsync_IdFieldCase_TellsWhetherTheDispatchedBlockHadAnIdField(string name, string lineEnd, int chunkSize)
    {
        var (_, body, expected) = Cases.Single(c => c.Name == name);
        var text = ProcessingModelMatrix.WithLineEnd(body, lineEnd);
        using var parser = new EventStreamParser(new ChunkedStream(Encoding.UTF8.GetBytes(text), chunkSize), string.Empty, 1 << 16, CancellationToken.None);

        var dispatched = new List<(string, bool, string)>();
        while (await parser.MoveNextAsync())
        {
            dispatched.Add((parser.Data, parser.DispatchedIdField, parser.LastEventId));
        }

        Assert.Equal(expected, dispatched);
    }

    [Fact]
    public async Task SubscribeAsync_EventsWithAndWithoutIdFields_EventIdIsTheBlocksOwnAsSseParserHasIt()
    {
        const string Stream = "id: 1\ndata: a\n\ndata: b\n\nid:\ndata: c\n\n";
        using var server = new SseTestServer().ThenStream(Stream).ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address, lastEventId: "0"));

        // EventId is the block's own id field (null without one), as System.Net.ServerSentEvents.SseParser makes it;
        // the last event ID in effect, which a reconnect sends, is the subscription's LastEventId.
        var bcl = SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(Stream))).Enumerate().Select(i => i.EventId);
        Assert.Equal(bcl, events.Select(e => e.EventId));
        Assert.Equal([("a", "1", "1"), ("b", null, "1"), ("c", "", "")], events.Select(e => (e.Data, e.EventId, e.LastEventId)));
    }
}
