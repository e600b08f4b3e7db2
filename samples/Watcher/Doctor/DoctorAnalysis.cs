namespace ResilientSse.Watcher.Doctor;

/// <summary>
/// The pure half of <c>doctor</c>: turns an observation (headers, arrival times, comments, ids, closes) into findings,
/// each with its evidence and advice. No clock, no I/O: the same observation always gives the same findings.
/// </summary>
internal static partial class DoctorAnalysis
{
    /// <summary>
    /// A close after at least this much silence was a cut for idleness, not the server ending its response (a bit under a
    /// second: a proxy times its idle timeout from its own last read, a little before the last byte reached the client).
    /// </summary>
    public static readonly TimeSpan IdleCutSilence = TimeSpan.FromMilliseconds(900);

    /// <summary>A close within this much of the last byte was the server ending its response.</summary>
    public static readonly TimeSpan EndedByServer = TimeSpan.FromMilliseconds(250);

    /// <summary>An event that arrived this much later than the freshest one did (against its timestamp) was held back.</summary>
    public static readonly TimeSpan HeldBack = TimeSpan.FromMilliseconds(150);

    /// <summary>Two heartbeats arriving closer than this came out of one buffer: a server writes them an interval apart.</summary>
    public static readonly TimeSpan TogetherWithin = TimeSpan.FromMilliseconds(20);

    /// <summary>Analyses an observation; the codes that make the endpoint unexaminable come alone.</summary>
    public static IReadOnlyList<Finding> Analyze(DoctorObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var first = observation.Connections[0];
        if (Unexaminable(observation.Url, first) is { } refusal)
        {
            return [refusal];
        }

        var findings = new List<Finding>();
        AddResponse(findings, first);
        AddRetry(findings, observation);
        var heartbeat = AddHeartbeats(findings, observation);
        AddBuffering(findings, observation, first);
        AddIdleCuts(findings, observation, heartbeat);
        AddResumption(findings, observation);
        AddEventSize(findings, observation);
        return findings;
    }

    /// <summary>The exit code for these findings (CONTRACT §4): 2 unexaminable, 1 something needs action, 0 otherwise.</summary>
    public static int ExitCode(IReadOnlyList<Finding> findings) =>
        findings.Any(f => f.Code is FindingCodes.Unreachable or FindingCodes.Status or FindingCodes.ContentType) ? 2
        : findings.Any(f => f.Severity != FindingSeverity.Info) ? 1
        : 0;

    private static Finding? Unexaminable(Uri url, ConnectionRecord first)
    {
        if (first.Status is not { } status)
        {
            return new Finding(FindingCodes.Unreachable, FindingSeverity.Error, "The endpoint could not be reached",
                $"GET {url} got no response: {first.Error}.",
                "Check the URL, that the server is running, and that nothing in between refuses the connection.");
        }

        if (status != 200)
        {
            return new Finding(FindingCodes.Status, FindingSeverity.Error, $"The endpoint answered {status}, not a stream",
                status == 204
                    ? $"GET {url} without Last-Event-ID was answered 204 No Content: the server has nothing to stream."
                    : $"GET {url} was answered {status}.",
                "Point doctor at the stream itself (for an execution: /workflow/executions/{id}/stream) and pass any credentials with --header.");
        }

        if (!string.Equals(first.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return new Finding(FindingCodes.ContentType, FindingSeverity.Error, "The response is not an event stream",
                $"GET {url} was answered 200 with Content-Type {first.MediaType ?? "(none)"}.",
                "An SSE response must be Content-Type: text/event-stream; EventSource and this library refuse anything else.");
        }

        return null;
    }

    private static void AddResponse(List<Finding> findings, ConnectionRecord first)
    {
        var encoding = first.ContentEncoding is { } e && !string.Equals(e, "identity", StringComparison.OrdinalIgnoreCase) ? e : null;
        findings.Add(new Finding(FindingCodes.Response, FindingSeverity.Info, "The response is an event stream",
            $"HTTP 200, Content-Type: text/event-stream{(first.Charset is { } c ? "; charset=" + c : string.Empty)}, "
            + $"Cache-Control: {first.CacheControl ?? "(none)"}, Content-Encoding: {encoding ?? "(none)"}, X-Accel-Buffering: {first.AccelBuffering ?? "(none)"}.",
            string.Empty));
        if (first.Charset is { } charset && !string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new Finding(FindingCodes.Charset, FindingSeverity.Warning, "The charset is not UTF-8",
                $"Content-Type says charset={charset}.",
                "An event stream is always UTF-8 (WHATWG): drop the charset parameter or say utf-8, and write UTF-8."));
        }

        var cache = first.CacheControl ?? string.Empty;
        if (!cache.Contains("no-cache", StringComparison.OrdinalIgnoreCase) && !cache.Contains("no-store", StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new Finding(FindingCodes.CacheControl, FindingSeverity.Warning, "The stream may be cached",
                $"Cache-Control: {first.CacheControl ?? "(none)"}.",
                "Send Cache-Control: no-cache (no-transform too, so that proxies do not compress or rewrite it): a cache between client and server may hold the response or replay it."));
        }

        if (encoding is not null)
        {
            findings.Add(new Finding(FindingCodes.Compressed, FindingSeverity.Warning, "The stream is compressed",
                $"Content-Encoding: {encoding} (the request offered gzip, deflate, br, as browsers do).",
                "Do not compress text/event-stream: a compressor holds events until its block fills. Exclude the type from response compression (ASP.NET Core: leave it out of ResponseCompressionOptions.MimeTypes; nginx: out of gzip_types) and send Cache-Control: no-transform."));
        }

        if (first.AccelBuffering is { } accel && !string.Equals(accel.Trim(), "no", StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new Finding(FindingCodes.AccelBuffering, FindingSeverity.Warning, "The response asks proxies to buffer it",
                $"X-Accel-Buffering: {accel}.",
                "Send X-Accel-Buffering: no: nginx (and proxies that copy it) then pass each event on as it comes."));
        }
    }
}
