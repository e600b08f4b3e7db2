using System.Net.Http.Headers;

namespace ResilientSse.Executions.Internal;

/// <summary>Builds the requests of one watch: the stream (with <c>Last-Event-ID</c>) and the snapshot.</summary>
/// <remarks>
/// A stream request lives as long as its connection (the handler holds it while the response is read), so an idle
/// watch keeps it: its fixed headers go in as text, which the handler writes as is, instead of parsed header objects.
/// The snapshot's address is built when a snapshot is first read, not for every watch.
/// </remarks>
internal sealed class ExecutionEndpoints
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly Version _version;
    private readonly HttpVersionPolicy _versionPolicy;
    private readonly Uri _root;
    private readonly string _snapshotPath;
    private readonly string _escapedId;
    private Uri? _snapshotUri;

    public ExecutionEndpoints(Uri baseAddress, ExecutionWatcherOptions options, string executionId)
    {
        // A base without a trailing slash would drop its last segment when relative paths are resolved.
        _root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _escapedId = Uri.EscapeDataString(executionId);
        _snapshotPath = options.SnapshotPath;
        StreamUri = new Uri(_root, Expand(options.StreamPath, _escapedId));
        (_version, _versionPolicy) = (options.Stream.HttpVersion, options.Stream.HttpVersionPolicy);
    }

    public Uri StreamUri { get; }

    public Uri SnapshotUri => _snapshotUri ??= new Uri(_root, Expand(_snapshotPath, _escapedId));

    public HttpRequestMessage CreateStreamRequest(string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, StreamUri) { Version = _version, VersionPolicy = _versionPolicy };
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");

        // Ask intermediaries for the live stream, not a cached copy (as browsers' EventSource does).
        request.Headers.TryAddWithoutValidation("Cache-Control", "no-cache");
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
