using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.ReferenceServer.Api;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>
/// How a stream's events reach the socket: each event's shared frame, buffered while more are ready, one flush for
/// them all — the fan-out's cost per subscriber is one copy and one send, not one encoding and one send per event.
/// </summary>
public sealed class EventStreamWriterTests
{
    [Fact]
    public async Task DeliverAsync_SeveralEventsReady_SendsThemInOneFlush()
    {
        var (writer, body) = await StartAsync();
        var events = Enumerable.Range(1, 5).Select(i => new StoredEvent(i, "node.started", $$"""{"nodeId":"stage-{{i}}"}""")).ToList();

        foreach (var stored in events)
        {
            Assert.True(await writer.DeliverAsync(stored));
        }

        Assert.Equal(1, body.Flushes); // only the retry: line's so far
        await writer.FlushAsync();

        Assert.Equal(2, body.Flushes);
        Assert.Equal(
            "retry: 50\n\n" + string.Concat(events.Select(e => $"id: {e.Id}\nevent: node.started\ndata: {e.Data}\n\n")),
            Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task DeliverAsync_TerminalEvent_FlushesAtOnce()
    {
        var (writer, body) = await StartAsync();

        Assert.True(await writer.DeliverAsync(new StoredEvent(1, "node.started", "{}")));
        Assert.True(await writer.DeliverAsync(new StoredEvent(2, "workflow.completed", "{}")));

        Assert.Equal(2, body.Flushes);
        Assert.Equal("the execution ended (workflow.completed)", writer.EndReason);
        Assert.EndsWith("id: 2\nevent: workflow.completed\ndata: {}\n\n", Encoding.UTF8.GetString(body.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliverAsync_LongReplay_FlushesInPiecesNotAllAtTheEnd()
    {
        var (writer, body) = await StartAsync();
        var data = "{\"pad\":\"" + new string('x', 1000) + "\"}";

        for (var i = 1; i <= 100; i++)
        {
            Assert.True(await writer.DeliverAsync(new StoredEvent(i, "node.completed", data)));
        }

        // About 100 KiB in pieces of about 16 KiB.
        Assert.InRange(body.Flushes, 6, 10);
    }

    [Fact]
    public void Frame_OneEvent_IsEncodedOnceAndSharedByEveryReader()
    {
        var stored = new StoredEvent(7, "node.completed", "{\"nodeId\":\"stage-3\"}");

        Assert.True(stored.Frame.Equals(stored.Frame));
        Assert.Equal("id: 7\nevent: node.completed\ndata: {\"nodeId\":\"stage-3\"}\n\n", Encoding.UTF8.GetString(stored.Frame.Span));
    }

    private static async Task<(EventStreamWriter Writer, CountingStream Body)> StartAsync()
    {
        var body = new CountingStream();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        var writer = new EventStreamWriter(context, "e", new FaultInjector(new ReferenceFaultOptions()), CancellationToken.None);
        await writer.StartAsync(50);
        return (writer, body);
    }
}
