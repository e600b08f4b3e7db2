using System.Net;
using System.Net.Http.Headers;

namespace ResilientSse.Benchmarks;

/// <summary>Serves the stream once, then answers 204 so that the subscription ends after one connection.</summary>
internal sealed class OneShotHandler(byte[] body) : HttpMessageHandler
{
    private bool _served;

    public void Reset() => _served = false;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_served)
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }

        _served = true;
        var content = new StreamContent(new MemoryStream(body, writable: false));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
    }
}
