namespace ResilientSse;

/// <summary>What kind of transient trouble an <see cref="SseTransientException"/> reports.</summary>
public enum SseTransientReason
{
    /// <summary>The connection could not be made or failed while reading: refused, reset, DNS, TLS, a proxy that broke it off.</summary>
    NetworkError = 0,

    /// <summary>No bytes arrived, not even a comment, for the idle timeout; the connection was abandoned.</summary>
    IdleTimeout = 1,

    /// <summary>The request timed out before the response headers arrived (the <see cref="HttpClient.Timeout"/> or a handler's timeout).</summary>
    Timeout = 2,

    /// <summary>The server answered 408, 429 or 5xx; <see cref="SseTransientException.StatusCode"/> and <see cref="SseTransientException.RetryAfter"/> say more.</summary>
    HttpStatus = 3,

    /// <summary>The connection was alive but the client gave up on it: the execution watcher saw no new event while the snapshot showed more.</summary>
    Abandoned = 4,
}
