namespace ResilientSse;

/// <summary>
/// No successful contact with the server for longer than the configured offline budget: the subscription or watch
/// gave up. The last transient failure, if any, is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class OfflineBudgetExceededException : ResilientSseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="offlineFor">How long there had been no successful contact.</param>
    /// <param name="budget">The budget that ran out.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The last transient failure, if any.</param>
    public OfflineBudgetExceededException(TimeSpan offlineFor, TimeSpan budget, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        OfflineFor = offlineFor;
        Budget = budget;
    }

    /// <summary>Gets how long there had been no successful contact with the server.</summary>
    public TimeSpan OfflineFor { get; }

    /// <summary>Gets the offline budget that ran out.</summary>
    public TimeSpan Budget { get; }
}
