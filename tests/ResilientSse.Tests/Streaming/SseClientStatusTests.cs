using System.Net;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>The status classes: stream, stop, fail for good, or retry.</summary>
public class SseClientStatusTests
{
    [Fact]
    public async Task NoContent_EndsTheSubscriptionNormally()
    {
        using var server = new SseTestServer().ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http).SubscribeAsync(SseClients.Address));

        Assert.Empty(events);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Gone)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.MethodNotAllowed)]
    public async Task PermanentStatus_FailsWithItsStatusWithoutRetrying(HttpStatusCode status)
    {
        using var server = new SseTestServer().ThenStatus(status);
        using var http = new HttpClient(server);

        var ex = await Assert.ThrowsAsync<SseHttpStatusException>(() => SseClients.CollectAsync(new SseClient(http).SubscribeAsync(SseClients.Address)));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(SseClients.Address, ex.RequestUri);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task OkWithAnotherContentType_FailsWithContentTypeException()
    {
        using var server = new SseTestServer().ThenStream("{\"not\":\"sse\"}", mediaType: "application/json");
        using var http = new HttpClient(server);

        var ex = await Assert.ThrowsAsync<SseContentTypeException>(() => SseClients.CollectAsync(new SseClient(http).SubscribeAsync(SseClients.Address)));

        Assert.Equal("application/json", ex.MediaType);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("text/event-stream; charset=utf-8")]
    [InlineData("TEXT/Event-Stream")]
    public async Task EventStreamWithParametersOrOtherCase_Streams(string mediaType)
    {
        using var server = new SseTestServer().ThenStream("data: a\n\n", mediaType: mediaType).ThenNoContent();
        using var http = new HttpClient(server);

        var events = await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address));

        Assert.Equal(["a"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task Requests_AskForAnEventStreamAndNoCache()
    {
        using var server = new SseTestServer().ThenNoContent();
        using var http = new HttpClient(server);

        await SseClients.CollectAsync(new SseClient(http).SubscribeAsync(SseClients.Address));

        var headers = Assert.Single(server.Requests);
        Assert.Equal("text/event-stream", headers.Accept.Single().MediaType);
        Assert.True(headers.CacheControl!.NoCache);
    }

    [Fact]
    public void SubscribeAsync_RelativeAddressWithoutBaseAddress_Throws()
    {
        using var http = new HttpClient();

        Assert.Throws<ArgumentException>(() => new SseClient(http).SubscribeAsync(new Uri("stream", UriKind.Relative)));
    }
}
