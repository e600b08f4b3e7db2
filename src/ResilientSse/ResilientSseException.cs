namespace ResilientSse;

/// <summary>
/// The base of the exceptions that end a subscription or a watch: a permanent problem that retrying cannot fix,
/// or an offline budget that ran out. Transient trouble is never thrown; it is reported through callbacks, logs
/// and metrics and retried.
/// </summary>
public class ResilientSseException : Exception
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    /// <param name="message">What went wrong and, where possible, what to do about it.</param>
    public ResilientSseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong and, where possible, what to do about it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ResilientSseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
