namespace ResilientSse.Executions;

/// <summary>
/// The server broke the execution contract: a malformed snapshot or event, a non-numeric event id, a
/// snapshot of another execution. The watch cannot tell what happened, so it ends.
/// </summary>
public sealed class ExecutionProtocolException : ResilientSseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="executionId">The execution being watched.</param>
    /// <param name="message">What was wrong, for people.</param>
    /// <param name="innerException">The parsing error, when there was one.</param>
    public ExecutionProtocolException(string executionId, string message, Exception? innerException = null)
        : base($"Execution '{executionId}': {message}", innerException)
    {
        ExecutionId = executionId;
    }

    /// <summary>The execution being watched.</summary>
    public string ExecutionId { get; }
}
