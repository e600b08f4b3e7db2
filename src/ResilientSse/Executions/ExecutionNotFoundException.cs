namespace ResilientSse.Executions;

/// <summary>The server does not know the execution: its snapshot (and stream) answered 404.</summary>
public sealed class ExecutionNotFoundException : ResilientSseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="executionId">The execution that was not found.</param>
    /// <param name="requestUri">The address that answered 404.</param>
    public ExecutionNotFoundException(string executionId, Uri? requestUri)
        : base($"Execution '{executionId}' was not found: {requestUri?.ToString() ?? "the server"} answered 404 Not Found. Check the execution id and the server address.")
    {
        ExecutionId = executionId;
        RequestUri = requestUri;
    }

    /// <summary>The execution that was not found.</summary>
    public string ExecutionId { get; }

    /// <summary>The address that answered 404.</summary>
    public Uri? RequestUri { get; }
}
