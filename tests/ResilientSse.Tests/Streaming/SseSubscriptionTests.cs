using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>What <see cref="SseClient.SubscribeAsync(Uri, string?, CancellationToken)"/> returns: BCL items, typed payloads, and what the items do not say.</summary>
public sealed class SseSubscriptionTests
{
    private const string Mixed = "retry: 50\n\nid: 1\nevent: progress\ndata: {\"step\":1,\"label\":\"é\"}\n\ndata: plain\n\nid\nretry: 70\nevent: message\ndata: x\ndata: y\n\n";

    [Fact]
    public async Task SubscribeAsync_AnyStream_ItemsAreWhatSseParserMakesOfIt()
    {
        using var server = new SseTestServer().ThenStream(Mixed).ThenNoContent();
        using var http = new HttpClient(server);

        var items = await CollectItemsAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address));

        var bcl = SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(Mixed))).Enumerate().ToList();
        Assert.Equal(bcl.Select(Describe), items.Select(Describe));
    }

    [Fact]
    public async Task SubscribeAsync_WithAnItemParser_ParsesEachPayloadFromTheUtf8Bytes()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: {\"step\":1,\ndata: \"label\":\"é\"}\n\nid: 2\ndata: {\"step\":2,\"label\":\"b\"}\n\n").ThenNoContent();
        using var http = new HttpClient(server);
        var seen = new List<(string Type, string Bytes)>();

        var subscription = new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address, (type, data) =>
        {
            seen.Add((type, Encoding.UTF8.GetString(data)));
            return JsonSerializer.Deserialize(data, SubscriptionJson.Default.Progress);
        });
        var items = await CollectItemsAsync(subscription);

        Assert.Equal([(1, "é"), (2, "b")], items.Select(i => (i.Data!.Step, i.Data.Label)));
        Assert.Equal([("message", "{\"step\":1,\n\"label\":\"é\"}"), ("message", "{\"step\":2,\"label\":\"b\"}")], seen);
        Assert.Equal(["1", "2"], items.Select(i => i.EventId));
    }

    [Fact]
    public async Task SubscribeAsync_ItemParserThrows_EndsTheSubscriptionWithItsException()
    {
        using var server = new SseTestServer().ThenStream("data: not json\n\n");
        using var http = new HttpClient(server);

        var subscription = new SseClient(http, SseClients.Immediate())
            .SubscribeAsync(SseClients.Address, (_, data) => JsonSerializer.Deserialize(data, SubscriptionJson.Default.Progress));

        await Assert.ThrowsAnyAsync<JsonException>(() => CollectItemsAsync(subscription));
        Assert.Single(server.Requests); // not retried: the payload, not the network, failed
    }

    [Fact]
    public async Task SubscribeAsync_EnumeratedTwice_ThrowsSayingToSubscribeAgain()
    {
        using var server = new SseTestServer().ThenStream("data: a\n\n").ThenNoContent();
        using var http = new HttpClient(server);
        var subscription = new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address);
        await CollectItemsAsync(subscription);

        var ex = Assert.Throws<InvalidOperationException>(() => subscription.GetAsyncEnumerator());

        Assert.Contains("SubscribeAsync again", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LastEventIdAndConnection_BeforeTheFirstItem_AreTheGivenIdAndZero()
    {
        using var http = new HttpClient(new SseTestServer());

        var subscription = new SseClient(http).SubscribeAsync(SseClients.Address, lastEventId: "41");

        Assert.Equal(("41", 0), (subscription.LastEventId, subscription.Connection));
    }

    [Fact]
    public async Task OnNotice_Throws_EndsTheSubscriptionWithThatExceptionAndClosesTheConnection()
    {
        var body = new ProbeStream(Encoding.UTF8.GetBytes("id: 1\ndata: a\n\n"));
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body));
        using var http = new HttpClient(server);
        var options = SseClients.Immediate();
        options.OnNotice = notice => throw new InvalidOperationException("observer failed on " + notice.Kind);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => CollectItemsAsync(new SseClient(http, options).SubscribeAsync(SseClients.Address)));

        Assert.Equal("observer failed on Connected", ex.Message);
        Assert.True(body.Disposed);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task OnNotice_ThrowsWhileABreakDisposesTheSubscription_TheBreakDoesNotThrow()
    {
        var body = new ProbeStream(Encoding.UTF8.GetBytes("id: 1\ndata: a\n\nid: 2\ndata: b\n\n"));
        using var server = new SseTestServer().Then(() => SseTestServer.Stream(body));
        using var http = new HttpClient(server);
        var options = SseClients.Immediate();
        options.OnNotice = notice =>
        {
            if (notice.Kind == SseNoticeKind.Disconnected)
            {
                throw new InvalidOperationException("observer failed on " + notice.Kind);
            }
        };

        var events = await SseClients.CollectAsync(new SseClient(http, options).SubscribeAsync(SseClients.Address), stopAfter: 1);

        Assert.Equal("a", Assert.Single(events).Data); // disposal never throws: the callback's exception is logged
        Assert.True(body.Disposed);
    }

    private static string Describe<T>(SseItem<T> item) => $"{item.EventType}|{item.Data}|{item.EventId ?? "(none)"}|{item.ReconnectionInterval?.TotalMilliseconds}";

    private static async Task<List<SseItem<T>>> CollectItemsAsync<T>(SseSubscription<T> subscription)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var items = new List<SseItem<T>>();
        await foreach (var item in subscription.WithCancellation(timeout.Token))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>A body that serves its bytes and then waits, and says whether it was disposed.</summary>
    private sealed class ProbeStream(byte[] bytes) : MemoryStream(bytes)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}

/// <summary>A payload of the typed tests.</summary>
public sealed record Progress(int Step, string Label);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Progress))]
internal sealed partial class SubscriptionJson : JsonSerializerContext;
