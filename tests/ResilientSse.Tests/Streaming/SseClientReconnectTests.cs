using System.Net.ServerSentEvents;
using System.Net;
using System.Net.Http.Headers;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>One test per reconnect rule.</summary>
public sealed class SseClientReconnectTests : IDisposable
{
    private readonly TestClock _clock = new();
    private readonly List<SseNotice> _reconnects = [];

    [Fact]
    public async Task EndOfStream_ReconnectsAndResendsLastEventIdEachTime()
    {
        using var server = new SseTestServer().ThenStream("id: 7\ndata: a\n\n").ThenStream("id: 8\ndata: b\n\n").ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address));

        Assert.Equal(["a", "b"], events.Select(e => e.Data));
        Assert.Equal([null, "7", "8"], server.LastEventIds);
    }

    [Fact]
    public async Task InitialLastEventId_IsSentOnTheFirstRequest()
    {
        using var server = new SseTestServer().ThenNoContent();
        using var http = new HttpClient(server);

        await SseClients.CollectAsync(new SseClient(http).SubscribeAsync(SseClients.Address, lastEventId: "41"));

        Assert.Equal(["41"], server.LastEventIds);
    }

    [Fact]
    public async Task EventCutOffByTheDisconnect_IsNotYieldedAndItsIdNotTaken()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: a\n\nid: 2\ndata: b").ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address));

        Assert.Equal(["a"], events.Select(e => e.Data));
        Assert.Equal([null, "1"], server.LastEventIds);
    }

    [Fact]
    public async Task IdOnlyBlockThatEnded_SetsTheIdSentOnReconnect()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: a\n\nid: 9\n\n").ThenNoContent();
        using var http = new HttpClient(server);

        await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address));

        Assert.Equal([null, "9"], server.LastEventIds);
    }

    [Fact]
    public async Task RequestFactory_IsCalledForEveryAttempt_SoHeadersCanChange()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: a\n\n").ThenNoContent();
        using var http = new HttpClient(server);
        var contexts = new List<SseRequestContext>();

        await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(context =>
        {
            contexts.Add(context);
            var request = new HttpRequestMessage(HttpMethod.Get, SseClients.Address);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token-" + context.Attempt);
            return request;
        }));

        Assert.Equal(["Bearer token-1", "Bearer token-2"], server.Requests.Select(h => h.Authorization!.ToString()));
        Assert.Equal([new SseRequestContext(1, ""), new SseRequestContext(2, "1")], contexts);
    }

    [Fact]
    public async Task ServerRetry_IsTheDelayBeforeTheNextAttempt()
    {
        using var server = new SseTestServer().ThenStream("retry: 5000\n\n: no event\n\n").ThenNoContent();

        await RunAsync(server);

        Assert.Equal(TimeSpan.FromSeconds(5), Assert.Single(_reconnects).Delay);
    }

    [Fact]
    public async Task RetryWithNonDigits_IsIgnored()
    {
        using var server = new SseTestServer().ThenStream("retry: 12a\n\n: no event\n\n").ThenNoContent();

        await RunAsync(server);

        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(_reconnects).Delay);
    }

    [Fact]
    public async Task CutAfterEachEvent_OneFastResumeThenTheServersRetryEveryTime_NeverDoubled()
    {
        // As a browser's EventSource: a connection that delivered an event resets the backoff to retry:. The first
        // resume after a cut is immediate (the ending in one round trip); the fast resume is not earned again by
        // connections shorter than retry:, so a server that cuts after every event gets no burst of reconnects.
        using var server = new SseTestServer()
            .ThenStream("retry: 500\n\ndata: a\n\n").ThenStream("data: b\n\n").ThenStream("data: c\n\n").ThenStream("data: d\n\n").ThenNoContent();

        var events = await RunAsync(server);

        Assert.Equal(["a", "b", "c", "d"], events.Select(e => e.Data));
        Assert.Equal([0, 500, 500, 500], _reconnects.Select(r => r.Delay!.Value.TotalMilliseconds));
    }

    [Fact]
    public async Task Status503WithRetryAfterSeconds_WaitsThatLongThenRetries()
    {
        using var server = new SseTestServer().ThenStatus(HttpStatusCode.ServiceUnavailable, new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))).ThenNoContent();

        await RunAsync(server);

        var reconnect = Assert.Single(_reconnects);
        Assert.Equal(TimeSpan.FromSeconds(7), reconnect.Delay);
        Assert.Contains("503", reconnect.Cause!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status429WithRetryAfterDate_WaitsUntilThen()
    {
        using var server = new SseTestServer().ThenStatus(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(_clock.GetUtcNow().AddSeconds(20))).ThenNoContent();

        await RunAsync(server);

        Assert.Equal(TimeSpan.FromSeconds(20), Assert.Single(_reconnects).Delay);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task TransientStatus_IsRetried(HttpStatusCode status)
    {
        using var server = new SseTestServer().ThenStatus(status).ThenStream("data: a\n\n").ThenNoContent();

        var events = await RunAsync(server);

        Assert.Equal(["a"], events.Select(e => e.Data));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task ConsecutiveFailures_BackOffExponentially()
    {
        using var server = new SseTestServer().ThenStatus(HttpStatusCode.InternalServerError).ThenStatus(HttpStatusCode.InternalServerError)
            .ThenStatus(HttpStatusCode.InternalServerError).ThenNoContent();

        await RunAsync(server);

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], _reconnects.Select(r => r.Delay!.Value));
    }

    [Fact]
    public async Task NetworkFailure_IsRetried()
    {
        using var server = new SseTestServer()
            .Then((_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused")))
            .ThenStream("data: a\n\n").ThenNoContent();

        var events = await RunAsync(server);

        Assert.Equal(["a"], events.Select(e => e.Data));
        Assert.Contains("Connection refused", _reconnects[0].Cause!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnNotice_ReportsConnectionsDisconnectsAndReconnectsInOrder()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: a\n\n")
            .ThenStatus(HttpStatusCode.ServiceUnavailable, new RetryConditionHeaderValue(TimeSpan.FromSeconds(3))).ThenNoContent();
        using var http = new HttpClient(server);
        var notices = new List<SseNotice>();
        var options = SseClients.Immediate();
        options.OnNotice = notices.Add;

        await _clock.DriveAsync(SseClients.CollectAsync(new SseClient(http, options, _clock).SubscribeAsync(SseClients.Address)), TimeSpan.FromSeconds(1));

        Assert.Equal([SseNoticeKind.Connected, SseNoticeKind.Disconnected, SseNoticeKind.Reconnecting, SseNoticeKind.Reconnecting], notices.Select(n => n.Kind));
        Assert.Equal((1, SseClients.Address, ""), (notices[0].Connection, notices[0].RequestUri, notices[0].LastEventId));
        Assert.Equal((1, null, "1"), (notices[1].Connection, notices[1].Cause, notices[1].LastEventId)); // a clean end has no cause
        var refused = Assert.IsType<SseTransientException>(notices[3].Cause);
        Assert.Equal((SseTransientReason.HttpStatus, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(3)), (refused.Reason, refused.StatusCode, refused.RetryAfter));
        Assert.Equal(SseClients.Address, refused.RequestUri);
        Assert.Equal(TimeSpan.FromSeconds(3), notices[3].Delay);
    }

    [Fact]
    public async Task OfflineBudget_AServerThatNeverAnswers_GivesUpAfterTheBudgetAndNotBefore()
    {
        using var server = new SseTestServer().ThenStatus(HttpStatusCode.ServiceUnavailable);
        using var http = new HttpClient(server);
        var options = new SseClientOptions { OfflineBudget = TimeSpan.FromSeconds(30), JitterRatio = 0, OnNotice = SseClients.Reconnects(_reconnects) };
        var client = new SseClient(http, options, _clock);

        var ex = await Assert.ThrowsAsync<OfflineBudgetExceededException>(() => _clock.DriveAsync(SseClients.CollectAsync(client.SubscribeAsync(SseClients.Address)), TimeSpan.FromSeconds(1)));

        Assert.True(ex.OfflineFor >= ex.Budget);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.Budget);
        Assert.Contains("503", ex.InnerException!.Message, StringComparison.Ordinal);

        // Every wait is the whole backoff — none is cut short to fit the budget, which is checked after each attempt.
        Assert.Equal([1, 2, 4, 8, 16], _reconnects.Select(r => r.Delay!.Value.TotalSeconds));
    }

    [Fact]
    public async Task OfflineBudget_RetryAfterLongerThanWhatIsLeft_IsWaitedOutBeforeTheLastAttempt()
    {
        using var server = new SseTestServer().ThenStatus(HttpStatusCode.ServiceUnavailable, new RetryConditionHeaderValue(TimeSpan.FromSeconds(50)));
        using var http = new HttpClient(server);
        var options = new SseClientOptions { OfflineBudget = TimeSpan.FromSeconds(30), JitterRatio = 0, OnNotice = SseClients.Reconnects(_reconnects) };
        var client = new SseClient(http, options, _clock);
        var started = _clock.GetUtcNow();

        await Assert.ThrowsAsync<OfflineBudgetExceededException>(() => _clock.DriveAsync(SseClients.CollectAsync(client.SubscribeAsync(SseClients.Address)), TimeSpan.FromSeconds(1)));

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(50), _reconnects.Single().Delay);
        Assert.True(_clock.GetUtcNow() - started >= TimeSpan.FromSeconds(50));
    }

    public void Dispose() => _clock.Dispose();

    private async Task<List<ReceivedEvent>> RunAsync(SseTestServer server)
    {
        using var http = new HttpClient(server);
        var options = new SseClientOptions { JitterRatio = 0, OnNotice = SseClients.Reconnects(_reconnects) };
        var client = new SseClient(http, options, _clock);
        return await _clock.DriveAsync(SseClients.CollectAsync(client.SubscribeAsync(SseClients.Address)), TimeSpan.FromMilliseconds(500));
    }
}
