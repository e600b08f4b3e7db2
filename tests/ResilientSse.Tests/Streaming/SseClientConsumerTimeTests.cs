using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>The idle timeout measures the server's silence while the library waits for bytes, never the time the consumer spends on an event.</summary>
public sealed class SseClientConsumerTimeTests : IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private readonly TestClock _clock = new();
    private readonly List<SseNotice> _reconnects = [];

    [Fact]
    public async Task MoveNextAsync_ConsumerBusyForThreeIdleTimeouts_KeepsTheConnection()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(new CancellationCheckingStream(body))).ThenNoContent();
        using var http = new HttpClient(server, disposeHandler: false);
        var options = new SseClientOptions { IdleTimeout = Idle, InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0, OnNotice = SseClients.Reconnects(_reconnects) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var subscription = new SseClient(http, options, _clock).SubscribeAsync(SseClients.Address);
        var events = subscription.GetAsyncEnumerator(timeout.Token);
        await using var disposal = events.ConfigureAwait(false);

        body.Send("id: 1\ndata: a\n\n");
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        // The consumer works on the event; meanwhile the server's heartbeat and next event arrive.
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(Idle / 2);
        }

        body.Send(": heartbeat\n\nid: 2\ndata: b\n\n");

        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(("b", 1), (events.Current.Data, subscription.Connection));
        Assert.Empty(_reconnects);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task MoveNextAsync_SilenceAfterTheConsumerWasBusy_TimesOutOneIdleTimeoutAfterTheReadStarted()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(new CancellationCheckingStream(body))).ThenNoContent();
        using var http = new HttpClient(server, disposeHandler: false);
        var options = new SseClientOptions { IdleTimeout = Idle, InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0, OnNotice = SseClients.Reconnects(_reconnects) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var subscription = new SseClient(http, options, _clock).SubscribeAsync(SseClients.Address);
        var events = subscription.GetAsyncEnumerator(timeout.Token);
        await using var disposal = events.ConfigureAwait(false);
        body.Send("id: 1\ndata: a\n\n");
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        _clock.Advance(Idle * 3 + TimeSpan.FromSeconds(1));

        var next = events.MoveNextAsync().AsTask();
        await body.WaitForBlockedReadAsync();
        _clock.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Single(server.Requests);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(await next.WaitAsync(TimeSpan.FromSeconds(10))); // the timeout reconnected, and the server said 204
        Assert.Contains("idle timeout", _reconnects.Single().Cause!.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    public void Dispose() => _clock.Dispose();
}
