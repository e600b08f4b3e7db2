using System.Net.ServerSentEvents;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;

namespace ResilientSse.IntegrationTests.Streaming;

/// <summary>
/// What <see cref="SseClient"/> yields is the BCL's <see cref="SseItem{T}"/>: an ASP.NET Core endpoint relays a
/// stream by handing the subscription to <c>TypedResults.ServerSentEvents</c>, and <see cref="SseFormatter"/> writes it.
/// </summary>
public sealed class RelayTests : IAsyncLifetime
{
    private ReferenceServerHost _upstream = null!;
    private WebApplication _relay = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _upstream = await ReferenceServers.StartAsync();

        // The relay: one resilient subscription upstream per request, its items written as they come.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSseClient(_ => { }).ConfigureHttpClient(client => client.BaseAddress = _upstream.BaseAddress);
        _relay = builder.Build();
        _relay.MapGet("/relay/{id}", (string id, SseClient client, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(client.SubscribeAsync(new Uri($"workflow/executions/{id}/stream", UriKind.Relative), cancellationToken: cancellationToken)));
        await _relay.StartAsync();
        var address = _relay.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _relay.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task TypedResultsServerSentEvents_RelayingASubscription_PassesOnEveryEventWithItsTypeDataAndId()
    {
        var id = await _upstream.StartExecutionAsync("quick");
        await _upstream.WaitUntilTerminalAsync(id);

        using var upstreamHttp = new HttpClient { BaseAddress = _upstream.BaseAddress };
        var direct = await RawStream.ReadAsync(upstreamHttp, $"workflow/executions/{id}/stream");
        using var response = await _http.GetAsync($"relay/{id}", HttpCompletionOption.ResponseHeadersRead);
        var relayed = await SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().ToListAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(direct.Items);
        Assert.Equal(direct.Items.Select(i => (i.Type, i.Data, (string?)i.Id)), relayed.Select(i => (i.EventType, i.Data, i.EventId)));
    }

    [Fact]
    public async Task SseFormatter_WritingWhatASubscriptionYields_ReproducesTheStream()
    {
        var id = await _upstream.StartExecutionAsync("quick");
        await _upstream.WaitUntilTerminalAsync(id);
        using var http = new HttpClient { BaseAddress = _upstream.BaseAddress };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var subscription = new SseClient(http).SubscribeAsync(new Uri($"workflow/executions/{id}/stream", UriKind.Relative), cancellationToken: timeout.Token);

        using var written = new MemoryStream();
        await SseFormatter.WriteAsync(subscription, written, timeout.Token);
        var reread = SseParser.Create(new MemoryStream(written.ToArray())).Enumerate().ToList();

        var direct = await RawStream.ReadAsync(http, $"workflow/executions/{id}/stream");
        Assert.Equal(direct.Items.Select(i => (i.Type, i.Data, (string?)i.Id)), reread.Select(i => (i.EventType, i.Data, i.EventId)));
        Assert.Contains("retry: 50", Encoding.UTF8.GetString(written.ToArray()), StringComparison.Ordinal); // the server's retry: travels with its event
    }
}
