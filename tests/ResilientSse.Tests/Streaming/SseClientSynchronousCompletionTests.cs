using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>
/// An event already received costs no awaiting: <c>MoveNextAsync</c> completes synchronously while buffered bytes last,
/// and only then waits for the network. A consumer can tell the two apart (the console watcher writes its output out
/// exactly when the next event is not ready).
/// </summary>
public sealed class SseClientSynchronousCompletionTests : IDisposable
{
    private readonly TestClock _clock = new();

    [Fact]
    public async Task MoveNextAsync_EventsAlreadyReceived_CompletesSynchronouslyUntilTheyRunOut()
    {
        var body = new ControlledStream();
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body)).ThenNoContent();
        using var http = new HttpClient(server, disposeHandler: false);
        var subscription = new SseClient(http, new SseClientOptions { InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0 }, _clock).SubscribeAsync(SseClients.Address);
        await using var events = subscription.GetAsyncEnumerator();

        body.Send("id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n");
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        var second = events.MoveNextAsync();
        Assert.True(second.IsCompletedSuccessfully, "the second event was received with the first, yet MoveNextAsync did not complete at once");
        Assert.True(await second);
        var third = events.MoveNextAsync();
        Assert.True(third.IsCompletedSuccessfully);
        Assert.True(await third);
        Assert.Equal("c", events.Current.Data);

        var fourth = events.MoveNextAsync();
        Assert.False(fourth.IsCompleted, "nothing more was received, yet MoveNextAsync completed");
        body.Send("id: 4\ndata: d\n\n");
        Assert.True(await fourth.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("d", events.Current.Data);
    }

    public void Dispose() => _clock.Dispose();
}
