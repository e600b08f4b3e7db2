using System.Diagnostics;
using System.Net;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>
/// The proxy itself, against a finished run's replay: what it forwards is what the server sent, its endings strike
/// where the plan says, and its log tells what the client got. The chaos suite's verdicts rest on these.
/// </summary>
[Collection(ChaosTests.Name)]
[Trait("Category", "Chaos")]
public sealed class FaultProxyTests : IAsyncLifetime
{
    private FaultPlan _plan = FaultPlan.PassThrough;
    private ResilientSse.ReferenceServer.ReferenceServerHost _server = null!;
    private FaultProxy _proxy = null!;
    private HttpClient _direct = null!;
    private HttpClient _proxied = null!;
    private string _id = null!;
    private string _path = null!;

    public async Task InitializeAsync()
    {
        _server = await ReferenceServers.StartAsync(o => o.RetryMilliseconds = 150);
        _proxy = FaultProxy.Start(_server.BaseAddress, request => request.Endpoint == ProxyEndpoint.Stream ? _plan : FaultPlan.PassThrough);
        _direct = new HttpClient { BaseAddress = _server.BaseAddress };
        _proxied = new HttpClient { BaseAddress = _proxy.BaseAddress };
        _id = await _server.StartExecutionAsync("quick");
        await _server.WaitUntilTerminalAsync(_id);
        _path = $"workflow/executions/{_id}/stream";
    }

    public async Task DisposeAsync()
    {
        _proxied.Dispose();
        _direct.Dispose();
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task PassThrough_ForwardsTheWholeStream_AndLogsWhatTheClientGot()
    {
        var direct = await RawStream.ReadAsync(_direct, _path);
        var proxied = await RawStream.ReadAsync(_proxied, _path);

        Assert.Equal(direct.Items, proxied.Items);
        Assert.True(proxied.EndedCleanly);
        var exchange = await SingleExchangeAsync();
        Assert.Equal((200, 8, 150, "8", ExchangeEnd.Complete, FaultHits.None), (exchange.Status, exchange.CompleteEvents, exchange.RetrySeen, exchange.LastIdForwarded, exchange.End, exchange.Hits));
        Assert.Equal(ProxyEndpoint.Stream, exchange.Request.Endpoint);
        Assert.Equal(_id, exchange.Request.ExecutionId);
    }

    [Fact]
    public async Task Trickle_ForwardsTheSameBytes()
    {
        _plan = new FaultPlan { Seed = 7, Throttle = new ProxyThrottle(1, 7, 1, 3) };
        var direct = await RawStream.ReadAsync(_direct, _path);
        var proxied = await RawStream.ReadAsync(_proxied, _path);

        Assert.Equal(direct.Items, proxied.Items);
        var exchange = await SingleExchangeAsync();
        Assert.Equal((ExchangeEnd.Complete, FaultHits.Throttle), (exchange.End, exchange.Hits));
    }

    [Theory]
    [InlineData(nameof(CutPlace.BetweenEvents), 0, 0, 0)]
    [InlineData(nameof(CutPlace.BetweenEvents), 3, 0, 3)]
    [InlineData(nameof(CutPlace.InLine), 2, 30, 2)]
    [InlineData(nameof(CutPlace.InLine), 0, 5, 0)]
    [InlineData(nameof(CutPlace.InUtf8), 4, 0, 4)]
    public async Task Cut_StrikesWhereThePlanSays_AndTheLogCountsTheEventsDelivered(string where, int events, int offset, int expected)
    {
        var place = Enum.Parse<CutPlace>(where);
        _plan = new FaultPlan { Ending = ProxyEnding.Cut, At = new CutPoint(place, events, offset) };
        var direct = await RawStream.ReadAsync(_direct, _path);
        var proxied = await RawStream.ReadAsync(_proxied, _path);

        Assert.False(proxied.EndedCleanly);
        Assert.Equal(direct.Items.Take(expected), proxied.Items);
        var exchange = await SingleExchangeAsync();
        Assert.Equal((expected, ExchangeEnd.Cut, FaultHits.Cut), (exchange.CompleteEvents, exchange.End, exchange.Hits));
        Assert.Equal(place == CutPlace.InLine && events == 0 ? null : 150, exchange.RetrySeen);
    }

    [Fact]
    public async Task Reset_AfterTwoEvents_DeliversThemThenResets()
    {
        _plan = new FaultPlan { Ending = ProxyEnding.Reset, At = new CutPoint(CutPlace.BetweenEvents, 2, 0) };
        var direct = await RawStream.ReadAsync(_direct, _path);
        var proxied = await RawStream.ReadAsync(_proxied, _path);

        Assert.False(proxied.EndedCleanly);
        Assert.Equal(direct.Items.Take(2), proxied.Items);
        var exchange = await SingleExchangeAsync();
        Assert.Equal((2, ExchangeEnd.Reset), (exchange.CompleteEvents, exchange.End));
    }

    [Fact]
    public async Task CutInHead_LeavesTheClientWithoutAResponse()
    {
        _plan = new FaultPlan { Ending = ProxyEnding.Cut, At = new CutPoint(CutPlace.InHead, 0, 20) };

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => RawStream.ReadAsync(_proxied, _path));
        var exchange = await SingleExchangeAsync();
        Assert.Equal((20L, (long?)null, ExchangeEnd.Cut), (exchange.BytesForwarded, exchange.EstablishedAt, exchange.End));
    }

    [Fact]
    public async Task Stall_KeepsTheConnectionOpenUntilTheClientGivesUp()
    {
        _plan = new FaultPlan { Ending = ProxyEnding.Stall, At = new CutPoint(CutPlace.BetweenEvents, 1, 0) };
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var started = Stopwatch.GetTimestamp();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RawStream.ReadAsync(_proxied, _path, cancellationToken: giveUp.Token));
        var exchange = await SingleExchangeAsync();
        Assert.Equal((1, ExchangeEnd.StallAbandoned, FaultHits.Stall), (exchange.CompleteEvents, exchange.End, exchange.Hits));
        Assert.InRange(Stopwatch.GetElapsedTime(started, exchange.EndedAt!.Value), TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(nameof(RefusalForm.ServiceUnavailableSeconds), 503)]
    [InlineData(nameof(RefusalForm.ServiceUnavailableDate), 503)]
    [InlineData(nameof(RefusalForm.TooManyRequestsSeconds), 429)]
    public async Task Refusal_AnswersItselfWithRetryAfter_AndLogsWhatIsOwed(string refusal, int status)
    {
        var form = Enum.Parse<RefusalForm>(refusal);
        _plan = new FaultPlan { Refusal = new ProxyRefusal(form, 1) };

        using var response = await _proxied.GetAsync(_path);
        var received = TimeProvider.System.GetUtcNow();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.ConnectionClose);
        var retryAfter = response.Headers.RetryAfter!;
        if (form == RefusalForm.ServiceUnavailableDate)
        {
            Assert.InRange(retryAfter.Date!.Value - received, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2));
        }
        else
        {
            Assert.Equal(TimeSpan.FromSeconds(1), retryAfter.Delta);
        }

        var exchange = await SingleExchangeAsync();
        Assert.Equal((status, ExchangeEnd.Refused, FaultHits.Refusal), (exchange.Status, exchange.End, exchange.Hits));
        Assert.InRange(Stopwatch.GetElapsedTime(exchange.RefusedAt!.Value, exchange.OwedUntil!.Value), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(_server.BaseAddress.ToString(), exchange.Describe(exchange.AcceptedAt), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CutAllStreams_EndsEveryOpenStreamAtOnce()
    {
        var live = await _server.StartExecutionAsync("very-long", new { stages = 100, delayMs = 1000 });
        var readers = Enumerable.Range(0, 5).Select(_ => RawStream.ReadAsync(_proxied, $"workflow/executions/{live}/stream")).ToList();
        for (var i = 0; i < 200 && _proxy.OpenStreams(e => e.CompleteEvents >= 0) < 5; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(5, _proxy.CutAllStreams(reset: true));
        var results = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(results, r => Assert.False(r.EndedCleanly));
        Assert.All(_proxy.ExchangesOf(live), e => Assert.Equal((ExchangeEnd.CutAll, HttpStatusCode.OK), (e.End, (HttpStatusCode)e.Status!.Value)));
    }

    private async Task<ProxyExchange> SingleExchangeAsync()
    {
        var exchange = Assert.Single(_proxy.ExchangesOf(_id));
        await exchange.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        return exchange;
    }
}
