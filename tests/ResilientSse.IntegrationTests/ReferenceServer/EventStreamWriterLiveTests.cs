using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.ReferenceServer.Api;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>
/// Live events written by the publishing thread while the stream waits caught up (no wake-up of the stream's loop per
/// event), and handed back to the loop for everything else: a busy loop, faults, the terminal event, order.
/// </summary>
public sealed class EventStreamWriterLiveTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TryDeliver_LoopNotWaiting_WritesNothing()
    {
        var (writer, body, _) = await StartAsync();

        Assert.False(writer.TryDeliver(Event(1), out _));

        Assert.Equal("retry: 50\n\n", body.Text);
    }

    [Fact]
    public async Task TryDeliver_LoopWaiting_WritesAndSendsTheFrameWithoutWakingTheLoop()
    {
        var (writer, body, _) = await StartAsync();
        var channel = Channel.CreateUnbounded<StoredEvent>();
        var waiting = writer.WaitOrHeartbeatAsync(channel.Reader, Interval).AsTask();

        Assert.True(writer.TryDeliver(Event(1), out var wake));
        Assert.True(writer.TryDeliver(Event(2), out var wakeAgain));

        Assert.False(wake || wakeAgain);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(3, body.Flushes);
        Assert.Equal((2, 2L), (writer.Written, writer.LastId));
        Assert.Equal("retry: 50\n\n" + Frame(1) + Frame(2), body.Text);
        channel.Writer.Complete();
        Assert.False(await waiting);
    }

    [Fact]
    public async Task TryDeliver_TerminalEvent_WritesItAndWakesTheLoopToEnd()
    {
        var (writer, _, _) = await StartAsync();
        var waiting = writer.WaitOrHeartbeatAsync(Channel.CreateUnbounded<StoredEvent>().Reader, Interval).AsTask();

        Assert.True(writer.TryDeliver(new StoredEvent(1, "workflow.completed", "{}"), out var wake));

        Assert.True(wake);
        Assert.Equal("the execution ended (workflow.completed)", writer.EndReason);
        Assert.False(writer.TryDeliver(Event(2), out _)); // the stream is the loop's again
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public async Task TryDeliver_DeliveryFaultsConfigured_LeavesTheEventToTheLoop()
    {
        var (writer, body, _) = await StartAsync(new ReferenceFaultOptions { DropProbability = 0.5, Seed = 1 });
        _ = writer.WaitOrHeartbeatAsync(Channel.CreateUnbounded<StoredEvent>().Reader, Interval).AsTask();

        Assert.False(writer.TryDeliver(Event(1), out _));

        Assert.Equal("retry: 50\n\n", body.Text);
    }

    [Fact]
    public async Task TryDeliver_CutBeforeTerminalConfigured_WritesOtherEventsAndLeavesTheTerminalOneToTheLoop()
    {
        var (writer, body, _) = await StartAsync(new ReferenceFaultOptions { DropBeforeTerminal = true });
        _ = writer.WaitOrHeartbeatAsync(Channel.CreateUnbounded<StoredEvent>().Reader, Interval).AsTask();

        Assert.True(writer.TryDeliver(Event(1), out _));
        Assert.False(writer.TryDeliver(new StoredEvent(2, "workflow.completed", "{}"), out _));

        Assert.Equal("retry: 50\n\n" + Frame(1), body.Text);
    }

    [Fact]
    public async Task TryDeliver_IdAlreadyWritten_LeavesItToTheLoop()
    {
        var (writer, body, _) = await StartAsync();
        writer.LastId = 5;
        _ = writer.WaitOrHeartbeatAsync(Channel.CreateUnbounded<StoredEvent>().Reader, Interval).AsTask();

        Assert.False(writer.TryDeliver(Event(5), out _));

        Assert.Equal("retry: 50\n\n", body.Text);
    }

    [Fact]
    public async Task WaitOrHeartbeatAsync_EventWrittenMeanwhile_HeartbeatWaitsForAWholeIntervalOfSilence()
    {
        var (writer, body, time) = await StartAsync();
        var waiting = writer.WaitOrHeartbeatAsync(Channel.CreateUnbounded<StoredEvent>().Reader, Interval).AsTask();

        time.Advance(Interval / 2);
        Assert.True(writer.TryDeliver(Event(1), out _));
        time.Advance(Interval / 2);
        Assert.DoesNotContain(": keep-alive", body.Text, StringComparison.Ordinal);

        time.Advance(Interval / 2);

        Assert.EndsWith(Frame(1) + ": keep-alive\n\n", body.Text, StringComparison.Ordinal);
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public void Offer_EventQueuedBefore_QueuesTheNextOneBehindIt()
    {
        var direct = new RecordingDelivery();
        var subscriber = new Subscriber(10) { Direct = direct };
        direct.Accept = false;
        subscriber.Offer(Event(1));
        direct.Accept = true;

        subscriber.Offer(Event(2));

        Assert.Equal([1L], direct.Offered); // 2 was never offered directly: it would overtake 1
        Assert.True(subscriber.Reader.TryRead(out var first) && first.Id == 1);
        Assert.True(subscriber.Reader.TryRead(out var second) && second.Id == 2);
    }

    [Fact]
    public void Offer_DeliveredDirectly_QueuesNothingUnlessTheLoopMustWake()
    {
        var direct = new RecordingDelivery { Accept = true };
        var subscriber = new Subscriber(10) { Direct = direct };

        subscriber.Offer(Event(1));
        direct.Wake = true;
        subscriber.Offer(Event(2));

        Assert.Equal([1L, 2L], direct.Offered);
        Assert.True(subscriber.Reader.TryRead(out var woken) && woken.Id == 2);
        Assert.False(subscriber.Reader.TryRead(out _));
    }

    private static StoredEvent Event(long id) => new(id, "node.started", $$"""{"nodeId":"stage-{{id}}"}""");

    private static string Frame(long id) => $"id: {id}\nevent: node.started\ndata: {{\"nodeId\":\"stage-{id}\"}}\n\n";

    private static async Task<(EventStreamWriter Writer, CountingStream Body, FakeTimeProvider Time)> StartAsync(ReferenceFaultOptions? faults = null)
    {
        var body = new CountingStream();
        var time = new FakeTimeProvider();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
        var writer = new EventStreamWriter(context, "e", new FaultInjector(faults ?? new ReferenceFaultOptions()), CancellationToken.None, time);
        await writer.StartAsync(50);
        return (writer, body, time);
    }

    private sealed class RecordingDelivery : IDirectDelivery
    {
        public bool Accept { get; set; }

        public bool Wake { get; set; }

        public List<long> Offered { get; } = [];

        public bool TryDeliver(StoredEvent stored, out bool wake)
        {
            wake = Wake;
            Offered.Add(stored.Id);
            return Accept;
        }
    }
}
