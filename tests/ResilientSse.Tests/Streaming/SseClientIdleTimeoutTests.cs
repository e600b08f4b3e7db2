using System.Net.ServerSentEvents;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>The idle timeout covers the wait for headers, for the first byte, and every byte after; bytes of any kind keep a connection alive.</summary>
public sealed class SseClientIdleTimeoutTests : IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);
    private readonly TestClock _clock = new();
    private readonly List<SseNotice> _reconnects = [];

    [Fact]
    public async Task NoResponseHeaders_ForTheIdleTimeout_AbandonsTheAttemptAndRetries()
    {
        var headersStarted = new TaskCompletionSource();
        using var server = new SseTestServer()
            .Then(async (_, token) =>
            {
                headersStarted.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                throw new InvalidOperationException("unreachable");
            })
            .ThenNoContent();
        var subscription = Start(server);

        await headersStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _clock.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Single(server.Requests);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await server.WaitForRequestsAsync(2);

        await subscription.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("idle timeout", _reconnects[0].Cause!.Message, StringComparison.Ordinal);
        Assert.Contains("response headers", _reconnects[0].Cause!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFirstByte_ForTheIdleTimeout_ReconnectsWithTheSameLastEventId()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body)).ThenNoContent();
        var subscription = Start(server, lastEventId: "3");

        await body.WaitForBlockedReadAsync();
        _clock.Advance(Idle);
        await server.WaitForRequestsAsync(2);

        await subscription.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["3", "3"], server.LastEventIds);
        Assert.True(body.Disposed);
        Assert.Contains("idle timeout", _reconnects[0].Cause!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilenceMidStream_ForTheIdleTimeout_ReconnectsAfterTheLastEvent()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body)).ThenNoContent();
        var subscription = Start(server);

        body.Send("id: 1\ndata: a\n\n");
        await body.WaitForBlockedReadAsync();
        await body.WaitForBlockedReadAsync();
        _clock.Advance(Idle);
        await server.WaitForRequestsAsync(2);

        var events = await subscription.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["a"], events.Select(e => e.Data));
        Assert.Equal([null, "1"], server.LastEventIds);
    }

    [Fact]
    public async Task HeartbeatComments_WithinTheIdleTimeout_KeepTheConnection()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body)).ThenNoContent();
        var subscription = Start(server);
        await body.WaitForBlockedReadAsync();

        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(Idle - TimeSpan.FromSeconds(1));
            body.Send(": keep-alive\n\n");
            await body.WaitForBlockedReadAsync();
        }

        Assert.Single(server.Requests);
        body.End();
        await subscription.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(_reconnects.Single().Cause); // the only reconnect followed the clean end, not a timeout
    }

    public void Dispose() => _clock.Dispose();

    private Task<List<ReceivedEvent>> Start(SseTestServer server, string? lastEventId = null)
    {
        var http = new HttpClient(server, disposeHandler: false);
        var options = new SseClientOptions { IdleTimeout = Idle, InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0, OnNotice = SseClients.Reconnects(_reconnects) };
        options.FirstContactBudget = Timeout.InfiniteTimeSpan; // these tests wait out idle timeouts longer than it
        return SseClients.CollectAsync(new SseClient(http, options, _clock).SubscribeAsync(SseClients.Address, lastEventId));
    }
}
