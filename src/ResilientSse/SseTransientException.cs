using System.Net;

namespace ResilientSse;

/// <summary>
/// Trouble that retrying can fix: a network failure, an idle or request timeout, a 408/429/5xx answer, or a connection
/// the client abandoned. A subscription or a watch does not throw it: it retries, and reports it as the
/// <c>Cause</c> of its notices (<see cref="Streaming.SseNotice"/>, <see cref="Executions.ExecutionWatchNotice"/>) and
/// as the <see cref="Exception.InnerException"/> of an <see cref="OfflineBudgetExceededException"/>.
/// <see cref="Executions.IExecutionWatcher.GetSnapshotAsync"/>, a single request, throws it for the caller to retry.
/// </summary>
public sealed class SseTransientException : ResilientSseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">What kind of trouble it was.</param>
    /// <param name="message">What went wrong, for people.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public SseTransientException(SseTransientReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Gets what kind of trouble it was.</summary>
    public SseTransientReason Reason { get; }

    /// <summary>Gets the status the server answered, for <see cref="SseTransientReason.HttpStatus"/>.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>Gets the delay the server asked for with <c>Retry-After</c>, if it did; the next request waits at least that long.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the address that was requested, if known.</summary>
    public Uri? RequestUri { get; init; }
}
