namespace ResilientSse.Watcher.Doctor;

/// <summary>The stable codes of <c>doctor</c>'s findings (scripts match on them; never rename one).</summary>
internal static class FindingCodes
{
    // The endpoint could not be examined (exit 2).
    public const string Unreachable = "unreachable";
    public const string Status = "status";
    public const string ContentType = "content-type";

    // The response.
    public const string Response = "response";
    public const string Charset = "charset";
    public const string CacheControl = "cache-control";
    public const string Compressed = "compressed";
    public const string AccelBuffering = "x-accel-buffering";

    // The stream over time.
    public const string Retry = "retry";
    public const string NoRetry = "no-retry";
    public const string Heartbeat = "heartbeat";
    public const string NoHeartbeat = "no-heartbeat";
    public const string Buffered = "buffered";
    public const string NotBuffered = "not-buffered";
    public const string IdleCut = "idle-cut";
    public const string EventSize = "event-size";
    public const string EventTooLarge = "event-too-large";

    // Resumption and the end.
    public const string Resume = "resume";
    public const string ResumeIgnored = "resume-ignored";
    public const string ResumeRepeats = "resume-repeats";
    public const string ResumeSkips = "resume-skips";
    public const string ResumeUntested = "resume-untested";
    public const string ResumeFailed = "resume-failed";
    public const string NoId = "no-id";
    public const string End204 = "end-204";
    public const string No204 = "no-204";
}
