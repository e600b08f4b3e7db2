using System.Net;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// Trouble worth retrying: a network failure, an idle timeout, a clean end of stream's cousin the cut-off, or a
/// 408/429/5xx answer. Never leaves the library: the reconnect loop catches it and reports it through callbacks,
/// logs and metrics, and it becomes the inner exception when an offline budget runs out.
/// </summary>
internal sealed class SseTransientException : Exception
{
    public SseTransientException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the delay the server asked for with <c>Retry-After</c>, if it did.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the status the server answered, when the trouble was a status.</summary>
    public HttpStatusCode? StatusCode { get; init; }
}
