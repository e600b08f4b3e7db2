namespace ResilientSse;

/// <summary>
/// The base of the library's exceptions. A subscription or a watch ends with one for a permanent problem that
/// retrying cannot fix, or an offline budget that ran out; transient trouble (<see cref="SseTransientException"/>) it
/// retries instead, and reports as the cause of its notices, in logs and in metrics.
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
