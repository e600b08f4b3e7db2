namespace ResilientSse;

/// <summary>
/// The server sent a line or an event larger than the configured maximum. The subscription ends at once, without
/// buffering the rest, so that a broken or hostile server cannot grow the client's memory without bound.
/// </summary>
public sealed class SseLimitExceededException : ResilientSseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limit">The maximum, in bytes, that was exceeded.</param>
    /// <param name="message">What went wrong and which option raises the limit.</param>
    public SseLimitExceededException(int limit, string message)
        : base(message)
    {
        Limit = limit;
    }

    /// <summary>Gets the maximum, in bytes, that was exceeded.</summary>
    public int Limit { get; }
}
