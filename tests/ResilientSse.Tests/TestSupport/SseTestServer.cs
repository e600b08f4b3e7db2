using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// An in-memory SSE server for the streaming layer's unit tests: the i-th request gets the i-th step, the last step
/// repeating; every request is recorded with its headers and signalled, so tests can wait for it without sleeping.
/// </summary>
internal sealed class SseTestServer : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _steps = new();
    private readonly SemaphoreSlim _requestArrived = new(0);
    private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? _last;

    public ConcurrentQueue<HttpRequestHeaders> Requests { get; } = new();

    public SseTestServer Then(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> step)
    {
        _steps.Enqueue(step);
        return this;
    }

    public SseTestServer Then(Func<HttpResponseMessage> response) => Then((_, _) => Task.FromResult(response()));

    public SseTestServer ThenStream(string body, int chunkSize = int.MaxValue, string mediaType = "text/event-stream") =>
        Then(() => Stream(new ChunkedStream(Encoding.UTF8.GetBytes(body), chunkSize), mediaType));

    public SseTestServer ThenStatus(HttpStatusCode status, RetryConditionHeaderValue? retryAfter = null) => Then(() =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(string.Empty) };
        response.Headers.RetryAfter = retryAfter;
        return response;
    });

    public SseTestServer ThenNoContent() => ThenStatus(HttpStatusCode.NoContent);

    public static HttpResponseMessage Stream(Stream body, string mediaType = "text/event-stream")
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>The <c>Last-Event-ID</c> each request carried, null where none, in order.</summary>
    public IReadOnlyList<string?> LastEventIds => Requests.Select(h => h.TryGetValues("Last-Event-ID", out var v) ? v.Single() : null).ToList();

    /// <summary>Waits (at most 10 s) until <paramref name="count"/> requests in all have arrived.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        while (Requests.Count < count)
        {
            if (!await _requestArrived.WaitAsync(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException($"Expected {count} requests, got {Requests.Count}.");
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new HttpRequestMessage().Headers;
        foreach (var header in request.Headers)
        {
            headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        Requests.Enqueue(headers);
        _requestArrived.Release();
        if (_steps.TryDequeue(out var step))
        {
            _last = step;
        }

        var response = await (_last ?? throw new InvalidOperationException("No step scripted."))(request, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    protected override void Dispose(bool disposing)
    {
        _requestArrived.Dispose();
        base.Dispose(disposing);
    }
}
