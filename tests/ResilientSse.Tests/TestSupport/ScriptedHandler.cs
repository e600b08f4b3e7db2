using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// An in-memory HTTP server for unit tests: each path answers from its own script, one step per request,
/// the last step repeating. Every request is recorded with the headers it carried.
/// </summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>>> _scripts = new();
    private readonly ConcurrentDictionary<string, Func<HttpRequestMessage, HttpResponseMessage>> _last = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Gets or sets the clock that stamps each request; none when <see langword="null"/>.</summary>
    public TimeProvider? Clock { get; set; }

    public ScriptedHandler On(string path, params Func<HttpRequestMessage, HttpResponseMessage>[] steps)
    {
        var queue = _scripts.GetOrAdd(path, _ => new());
        foreach (var step in steps)
        {
            queue.Enqueue(step);
        }

        return this;
    }

    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => Requests.Where(r => r.Path == path).ToList();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = request.RequestUri!.AbsolutePath;
        var lastEventId = request.Headers.TryGetValues("Last-Event-ID", out var values) ? values.Single() : null;
        var at = Clock?.GetUtcNow();
        if (_scripts.TryGetValue(path, out var queue) && queue.TryDequeue(out var step))
        {
            _last[path] = step;
        }
        else if (!_last.TryGetValue(path, out step))
        {
            Requests.Enqueue(new RecordedRequest(path, lastEventId, at, HttpStatusCode.NotFound));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request });
        }

        var response = step(request);
        response.RequestMessage = request;
        Requests.Enqueue(new RecordedRequest(path, lastEventId, at, response.StatusCode));
        return Task.FromResult(response);
    }

    public static Func<HttpRequestMessage, HttpResponseMessage> Sse(string body) => _ => SseResponse(body);

    public static HttpResponseMessage SseResponse(string body)
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    public static Func<HttpRequestMessage, HttpResponseMessage> Json(string json, HttpStatusCode status = HttpStatusCode.OK) => _ =>
        new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static Func<HttpRequestMessage, HttpResponseMessage> Status(HttpStatusCode status, TimeSpan? retryAfter = null) => _ =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(string.Empty) };
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new(delay);
        }

        return response;
    };
}

internal sealed record RecordedRequest(string Path, string? LastEventId, DateTimeOffset? At = null, HttpStatusCode Status = HttpStatusCode.OK);
