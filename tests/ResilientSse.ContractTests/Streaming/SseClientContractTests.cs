using System.Net.ServerSentEvents;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.ContractTests.TestSupport;
using ResilientSse.Http;
using ResilientSse.Streaming;
using WireMock.ResponseBuilders;
using static ResilientSse.ContractTests.TestSupport.ScriptedServer;

namespace ResilientSse.ContractTests.Streaming;

/// <summary>The generic SSE client against scripted WireMock servers over real HTTP on loopback.</summary>
public sealed class SseClientContractTests : IDisposable
{
    private const string Path = "/events";
    private readonly ScriptedServer _server = new();
    private readonly HttpClient _http = new();
    private readonly List<SseNotice> _reconnects = [];

    private Uri Address => new(_server.BaseAddress, "events");

    [Theory]
    [InlineData(ClientHandler.Sockets)]
    [InlineData(ClientHandler.Http1Streaming)]
    public async Task Retry503ThenDropThenResume_SendsLastEventIdOnTheSecondAndThirdRequests(ClientHandler handler)
    {
        _server.On(Path,
            Status503(retryAfterSeconds: 0),
            Sse("id: 7\ndata: seven\n\n"),
            Sse("id: 8\ndata: eight\n\n"),
            Status(204));

        var events = await CollectAsync(Options(), handler);

        Assert.Equal(["seven", "eight"], events.Select(e => e.Data));
        var requests = _server.RequestsTo(Path);
        Assert.Equal(4, requests.Count);
        Assert.Equal([null, null, "7", "8"], requests.Select(LastEventIdOf));
    }

    [Fact]
    public async Task ServerRetry_IsHonouredAsTheReconnectDelay()
    {
        _server.On(Path, Sse("retry: 50\n\n: no event on this connection\n\n"), Status(204));
        var options = Options();
        options.InitialReconnectDelay = options.MaxReconnectDelay = TimeSpan.FromMinutes(1); // a wait on these would time the test out
        options.JitterRatio = 0;

        await CollectAsync(options);

        Assert.Equal(TimeSpan.FromMilliseconds(50), Assert.Single(_reconnects).Delay);
    }

    [Theory]
    [InlineData(ClientHandler.Sockets)]
    [InlineData(ClientHandler.Http1Streaming)]
    public async Task DropMidEvent_ThePartialEventIsNotYieldedAndItsIdNotSent(ClientHandler handler)
    {
        _server.On(Path, Sse("id: 1\ndata: whole\n\nid: 2\ndata: cut"), Status(204));

        var events = await CollectAsync(Options(), handler);

        Assert.Equal(["whole"], events.Select(e => e.Data));
        Assert.Equal([null, "1"], _server.RequestsTo(Path).Select(LastEventIdOf));
    }

    [Theory]
    [InlineData(ClientHandler.Sockets)]
    [InlineData(ClientHandler.Http1Streaming)]
    public async Task NoContent_StopsTheSubscription(ClientHandler handler)
    {
        _server.On(Path, Status(204));

        Assert.Empty(await CollectAsync(Options(), handler));
        Assert.Single(_server.RequestsTo(Path));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    public async Task PermanentStatus_FailsWithIt(int status)
    {
        _server.On(Path, Status(status));

        var ex = await Assert.ThrowsAsync<SseHttpStatusException>(() => CollectAsync(Options()));

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Single(_server.RequestsTo(Path));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task TransientStatus_IsRetried(int status)
    {
        _server.On(Path, Status(status), Sse("data: after\n\n"), Status(204));

        var events = await CollectAsync(Options());

        Assert.Equal(["after"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task WrongContentType_FailsWithContentTypeException()
    {
        _server.On(Path, Json("{\"hello\":1}"));

        var ex = await Assert.ThrowsAsync<SseContentTypeException>(() => CollectAsync(Options()));

        Assert.Equal("application/json", ex.MediaType);
    }

    [Fact]
    public async Task ShortHttpClientTimeout_DoesNotCutAHealthyLongStream()
    {
        // HttpClient.Timeout bounds only the wait for the response headers (the client reads with
        // ResponseHeadersRead); the body, here delivered over longer than the timeout, is guarded by IdleTimeout.
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var client = new SseClient(http, Options());
        var slowBody = new SlowBodyServer(TimeSpan.FromMilliseconds(700));
        await using (slowBody.ConfigureAwait(false))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var events = new List<(string Data, int Connection)>();
            var subscription = client.SubscribeAsync(slowBody.Address, cancellationToken: timeout.Token);
            await foreach (var item in subscription)
            {
                events.Add((item.Data, subscription.Connection));
            }

            Assert.Equal(["before", "after"], events.Select(e => e.Data));
            Assert.Equal([1, 1], events.Select(e => e.Connection)); // one connection, not cut by the 300 ms timeout
        }
    }

    [Fact]
    public async Task NonAsciiLastEventId_WithAPlainHttpClient_FailsAtOnceNamingTheHeader()
    {
        // .NET's default handlers send ASCII header values only: retrying would fail the same way until the budget ran out.
        var server = new SlowBodyServer(TimeSpan.Zero);
        await using (server.ConfigureAwait(false))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

            var ex = await Assert.ThrowsAsync<ResilientSseException>(async () =>
            {
                await foreach (var item in new SseClient(_http, Options()).SubscribeAsync(server.Address, "é€", timeout.Token))
                {
                }
            });

            Assert.Contains("Last-Event-ID", ex.Message, StringComparison.Ordinal);
            Assert.Contains("RequestHeaderEncodingSelector", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NonAsciiLastEventId_ThroughAddSseClient_IsSentAsUtf8(bool ownPrimaryHandler)
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var builder = services.AddSseClient(o => o.InitialReconnectDelay = TimeSpan.FromMilliseconds(10));
        if (ownPrimaryHandler)
        {
            // A primary handler set on the returned builder, after AddSseClient, is the one configured.
            builder.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        }

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<SseClient>();
        var server = new SlowBodyServer(TimeSpan.Zero);
        await using (server.ConfigureAwait(false))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var events = new List<SseItem<string>>();
            await foreach (var item in client.SubscribeAsync(server.Address, "é€", timeout.Token))
            {
                events.Add(item);
            }

            Assert.Equal(["before", "after"], events.Select(e => e.Data));
            Assert.Contains("\r\nLast-Event-ID: é€\r\n", server.Requests.First(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NonAsciiLastEventId_ThroughHttp1StreamingHandler_IsSentAsUtf8()
    {
        using var http = new HttpClient(new Http1StreamingHandler());
        var server = new SlowBodyServer(TimeSpan.Zero);
        await using (server.ConfigureAwait(false))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var events = new List<SseItem<string>>();
            await foreach (var item in new SseClient(http, Options()).SubscribeAsync(server.Address, "é€", timeout.Token))
            {
                events.Add(item);
            }

            Assert.Equal(["before", "after"], events.Select(e => e.Data));
            Assert.Contains("\r\nLast-Event-ID: é€\r\n", server.Requests.First(), StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
    }

    private static IResponseBuilder Status503(int retryAfterSeconds) =>
        Response.Create().WithStatusCode(503).WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private SseClientOptions Options() => new()
    {
        InitialReconnectDelay = TimeSpan.FromMilliseconds(10),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(50),
        IdleTimeout = TimeSpan.FromSeconds(10),
        OnNotice = r => { if (r.Kind == SseNoticeKind.Reconnecting) { lock (_reconnects) { _reconnects.Add(r); } } },
    };

    private async Task<List<SseItem<string>>> CollectAsync(SseClientOptions options, ClientHandler handler = ClientHandler.Sockets)
    {
        using var http1 = handler == ClientHandler.Http1Streaming ? new HttpClient(new Http1StreamingHandler()) : null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<SseItem<string>>();
        await foreach (var item in new SseClient(http1 ?? _http, options).SubscribeAsync(Address, cancellationToken: timeout.Token))
        {
            events.Add(item);
        }

        return events;
    }
}
