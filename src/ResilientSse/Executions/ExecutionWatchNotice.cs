namespace ResilientSse.Executions;

/// <summary>A notable step of a watch, reported through <see cref="ExecutionWatcherOptions.OnNotice"/>.</summary>
public sealed class ExecutionWatchNotice
{
    /// <summary>Creates a notice.</summary>
    /// <param name="executionId">The execution watched.</param>
    /// <param name="kind">What happened.</param>
    /// <param name="message">A sentence for people.</param>
    public ExecutionWatchNotice(string executionId, ExecutionWatchNoticeKind kind, string message)
    {
        ExecutionId = executionId;
        Kind = kind;
        Message = message;
    }

    /// <summary>The execution watched.</summary>
    public string ExecutionId { get; }

    /// <summary>What happened.</summary>
    public ExecutionWatchNoticeKind Kind { get; }

    /// <summary>A sentence for people, e.g. for a <c>--verbose</c> log.</summary>
    public string Message { get; }

    /// <summary>The connection or attempt number the notice is about, when it is about one.</summary>
    public int Attempt { get; init; }

    /// <summary>The delay before the next attempt, for <see cref="ExecutionWatchNoticeKind.Reconnecting"/>.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>
    /// What caused the step, when an error did: an <see cref="SseTransientException"/> (with its status and
    /// <c>Retry-After</c>) for trouble the watch retries, or the <see cref="ResilientSseException"/> that made the stream
    /// unusable (for <see cref="ExecutionWatchNoticeKind.PollingStarted"/>).
    /// </summary>
    public ResilientSseException? Cause { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}
