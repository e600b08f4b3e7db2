namespace ResilientSse.Watcher.Doctor;

/// <summary>What one connection of an observation saw: the response, every event, comment and <c>retry:</c>, and how it ended.</summary>
internal sealed record ConnectionRecord
{
    /// <summary>Gets whether this connection only checks resumption (it hangs up at its first event).</summary>
    public bool IsResumeCheck { get; init; }

    /// <summary>Gets the id the connection asked to resume after, or null.</summary>
    public string? LastEventIdSent { get; init; }

    /// <summary>Gets how <see cref="LastEventIdSent"/> was sent.</summary>
    public ResumeVia Via { get; init; }

    /// <summary>Gets when the request went out, from the start of the observation.</summary>
    public TimeSpan StartedAt { get; init; }

    /// <summary>Gets the wall-clock time the request went out.</summary>
    public DateTimeOffset StartedWall { get; init; }

    /// <summary>Gets the HTTP status, or null when no response came.</summary>
    public int? Status { get; init; }

    /// <summary>Gets why no response came, when none did.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the response's media type, e.g. <c>text/event-stream</c>.</summary>
    public string? MediaType { get; init; }

    /// <summary>Gets the response's charset parameter, if any.</summary>
    public string? Charset { get; init; }

    /// <summary>Gets the response's <c>Cache-Control</c>, if any.</summary>
    public string? CacheControl { get; init; }

    /// <summary>Gets the response's <c>Content-Encoding</c>, if any.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>Gets the response's <c>X-Accel-Buffering</c>, if any.</summary>
    public string? AccelBuffering { get; init; }

    /// <summary>Gets the events, in arrival order.</summary>
    public IReadOnlyList<ObservedEvent> Events { get; init; } = [];

    /// <summary>Gets when each comment line (a heartbeat) arrived.</summary>
    public IReadOnlyList<TimeSpan> Comments { get; init; } = [];

    /// <summary>Gets the first valid <c>retry:</c> value, in milliseconds, or null when none came.</summary>
    public long? RetryMilliseconds { get; init; }

    /// <summary>Gets when the headers arrived, or null when they did not.</summary>
    public TimeSpan? HeadersAt { get; init; }

    /// <summary>Gets when the last byte of the body arrived, or null when none did.</summary>
    public TimeSpan? LastByteAt { get; init; }

    /// <summary>Gets how the connection ended.</summary>
    public ConnectionEnd End { get; init; }

    /// <summary>Gets when it ended, from the start of the observation.</summary>
    public TimeSpan EndedAt { get; init; }

    /// <summary>Gets the id of the first event, or null when none came or it had no id.</summary>
    public string? FirstId => Events.Count > 0 ? Events[0].Id : null;

    /// <summary>Gets the silence before the connection closed: from the last byte (or the headers) to the close.</summary>
    public TimeSpan SilenceBeforeEnd => EndedAt - (LastByteAt ?? HeadersAt ?? EndedAt);
}
