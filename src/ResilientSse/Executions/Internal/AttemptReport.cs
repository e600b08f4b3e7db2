namespace ResilientSse.Executions.Internal;

/// <summary>What one stream attempt of a watch reported when it ended: filled by the attempt, read by the loop.</summary>
internal sealed class AttemptReport
{
    /// <summary>Gets or sets how the attempt ended.</summary>
    public WatchSignal Signal { get; set; } = WatchSignal.StreamEmpty;

    /// <summary>Gets or sets what ended it, when something failed.</summary>
    public ResilientSseException? Error { get; set; }

    /// <summary>Gets or sets the <c>Retry-After</c> of a refusal.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets whether the stream endpoint answered at all: a status, a body, a 204 — not a refused or silent connection.</summary>
    public bool ServerAnswered => Signal is not (WatchSignal.StreamEmpty or WatchSignal.StreamRefused or WatchSignal.StreamUnusable or WatchSignal.StreamQuiet)
        || Error is SseHttpStatusException or SseContentTypeException or SseTransientException { StatusCode: not null };

    /// <summary>Gets or sets the terminal snapshot the quiet check read, when it abandoned the connection for it.</summary>
    public ExecutionSnapshot? Snapshot { get; set; }
}
