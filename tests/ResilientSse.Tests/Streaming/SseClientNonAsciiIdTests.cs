using System.Net;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>A non-ASCII last event ID: only the handler's refusal of the header is permanent.</summary>
public class SseClientNonAsciiIdTests
{
    [Fact]
    public async Task HttpRequestExceptionWithAStatus_WhileTheIdIsNotAscii_IsRetried()
    {
        // A handler in the pipeline throws (as EnsureSuccessStatusCode does) once; the id itself can be sent.
        using var server = new SseTestServer().ThenStream("id: é2\ndata: y\n\n").ThenNoContent();
        using var flaky = new FailOnceHandler(server);
        using var http = new HttpClient(flaky);

        var events = await SseClients.CollectAsync(new SseClient(http, SseClients.Immediate()).SubscribeAsync(SseClients.Address, "é1"));

        Assert.Equal(["y"], events.Select(e => e.Data));
        Assert.Equal(3, flaky.Calls);
    }

    private sealed class FailOnceHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1
                ? throw new HttpRequestException("Response status code does not indicate success: 503 (Service Unavailable).", null, HttpStatusCode.ServiceUnavailable)
                : base.SendAsync(request, cancellationToken);
    }
}
