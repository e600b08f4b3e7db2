using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>Cancelling or leaving an <c>await foreach</c> stops at once, releases the response, and is never retried.</summary>
public class SseClientCancellationTests
{
    [Fact]
    public async Task Cancel_WhileWaitingForEvents_StopsAtOnceAndReleasesTheResponse()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body));
        using var http = new HttpClient(server);
        using var cancel = new CancellationTokenSource();
        var client = new SseClient(http, new SseClientOptions { IdleTimeout = Timeout.InfiniteTimeSpan });
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in client.SubscribeAsync(SseClients.Address, cancellationToken: cancel.Token))
            {
            }
        });

        await body.WaitForBlockedReadAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(body.Disposed);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Break_OutOfAwaitForeach_ReleasesTheResponseWithoutReconnecting()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body));
        using var http = new HttpClient(server);
        body.Send("data: a\n\ndata: b\n\n");

        var events = await SseClients.CollectAsync(new SseClient(http).SubscribeAsync(SseClients.Address), stopAfter: 1);

        Assert.Equal(["a"], events.Select(e => e.Data));
        Assert.True(body.Disposed);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Cancel_WithWithCancellation_AlsoStops()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body));
        using var http = new HttpClient(server);
        using var cancel = new CancellationTokenSource();
        var events = new SseClient(http).SubscribeAsync(SseClients.Address);
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in events.WithCancellation(cancel.Token))
            {
            }
        });

        await body.WaitForBlockedReadAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(body.Disposed);
    }

    [Fact]
    public async Task Cancel_DuringTheReconnectDelay_StopsWithoutAnotherRequest()
    {
        using var clock = new TestClock();
        using var server = new SseTestServer().ThenStatus(System.Net.HttpStatusCode.ServiceUnavailable);
        using var http = new HttpClient(server);
        using var cancel = new CancellationTokenSource();
        var waiting = new TaskCompletionSource();
        var options = new SseClientOptions { OnNotice = n => { if (n.Kind == SseNoticeKind.Reconnecting) { waiting.TrySetResult(); } } };
        var reading = SseClients.CollectAsync(new SseClient(http, options, clock).SubscribeAsync(SseClients.Address, cancellationToken: cancel.Token));

        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task CrLineEndAtTheEndOfARead_DispatchesWithoutWaitingForTheNextByte()
    {
        // A CR may be the first half of a CRLF, but the line has ended either way: the event must not wait for
        // more bytes (or be lost if the connection then fails with its id already taken).
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body));
        using var http = new HttpClient(server);
        body.Send("id: 1\rdata: a\r\r");

        var events = await SseClients.CollectAsync(new SseClient(http).SubscribeAsync(SseClients.Address), stopAfter: 1);

        Assert.Equal(("a", "1"), (events[0].Data, events[0].LastEventId));
    }
}
