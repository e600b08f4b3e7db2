using System.Net.Http.Headers;

namespace ResilientSse.Executions.Internal;

/// <summary>Builds the requests of one watch: the stream (with <c>Last-Event-ID</c>) and the snapshot.</summary>
internal sealed class ExecutionEndpoints
{
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly Version _version;
    private readonly HttpVersionPolicy _versionPolicy;

    public ExecutionEndpoints(Uri baseAddress, ExecutionWatcherOptions options, string executionId)
    {
        // A base without a trailing slash would drop its last segment when relative paths are resolved.
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        var escaped = Uri.EscapeDataString(executionId);
        StreamUri = new Uri(root, Expand(options.StreamPath, escaped));
        SnapshotUri = new Uri(root, Expand(options.SnapshotPath, escaped));
        (_version, _versionPolicy) = (options.Stream.HttpVersion, options.Stream.HttpVersionPolicy);
    }

    public Uri StreamUri { get; }

    public Uri SnapshotUri { get; }

    public HttpRequestMessage CreateStreamRequest(string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, StreamUri) { Version = _version, VersionPolicy = _versionPolicy };
        request.Headers.Accept.Add(EventStream);
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        if (!string.IsNullOrEmpty(lastEventId))
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return request;
    }

    public HttpRequestMessage CreateSnapshotRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, SnapshotUri) { Version = _version, VersionPolicy = _versionPolicy };
        request.Headers.Accept.Add(Json);
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        return request;
    }

    private static string Expand(string path, string escapedId) =>
        path.TrimStart('/').Replace(ExecutionWatcherDefaults.IdPlaceholder, escapedId, StringComparison.Ordinal);
}
