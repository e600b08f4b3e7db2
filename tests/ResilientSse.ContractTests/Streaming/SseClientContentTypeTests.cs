using System.Net.ServerSentEvents;
using ResilientSse.ContractTests.TestSupport;
using ResilientSse.Streaming;

namespace ResilientSse.ContractTests.Streaming;

/// <summary>
/// Only the media type's type and subtype decide whether a 200 is an event stream, case-insensitively: parameters,
/// odd spacing and stray semicolons — which browsers accept, and which leave the parsed header empty — do not.
/// </summary>
public sealed class SseClientContentTypeTests : IDisposable
{
    private readonly HttpClient _http = new();

    [Theory]
    [InlineData("Content-Type: text/event-stream")]
    [InlineData("Content-Type: TEXT/Event-Stream ; charset=utf-8")]
    [InlineData("Content-Type: text/event-stream; charset=utf-8")]
    [InlineData("Content-Type: text/event-stream;")]
    [InlineData("Content-Type:   text/event-stream   ")]
    [InlineData("Content-Type: text/event-stream;;foo")]
    [InlineData("Content-Type: text/event-stream ;")]
    public async Task SubscribeAsync_EventStreamMediaTypeInAnyForm_ReadsTheEvents(string header)
    {
        await using var server = new RawResponseServer("HTTP/1.1 200 OK\r\n" + header, "data: a\n\n");

        var events = await CollectAsync(server.Address);

        Assert.Equal(["a"], events.Select(e => e.Data));
    }

    [Theory]
    [InlineData("Content-Type: text/event-streamx")]
    [InlineData("Content-Type: text/html")]
    [InlineData("Content-Type: text/html; x=text/event-stream")]
    [InlineData("Content-Type: ;text/event-stream")]
    [InlineData("Content-Type: text/event-streamx;")]
    [InlineData("X-No-Content-Type: text/event-stream")]
    public async Task SubscribeAsync_OtherOrMissingMediaType_FailsWithContentTypeException(string header)
    {
        await using var server = new RawResponseServer("HTTP/1.1 200 OK\r\n" + header, "data: a\n\n");

        await Assert.ThrowsAsync<SseContentTypeException>(() => CollectAsync(server.Address));
    }

    public void Dispose() => _http.Dispose();

    private async Task<List<SseItem<string>>> CollectAsync(Uri address)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var options = new SseClientOptions { InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0 };
        var events = new List<SseItem<string>>();
        await foreach (var item in new SseClient(_http, options).SubscribeAsync(address, cancellationToken: timeout.Token))
        {
            events.Add(item);
            break;
        }

        return events;
    }
}
