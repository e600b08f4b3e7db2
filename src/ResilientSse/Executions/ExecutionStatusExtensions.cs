namespace ResilientSse.Executions;

/// <summary>Helpers for <see cref="ExecutionStatus"/>.</summary>
public static class ExecutionStatusExtensions
{
    /// <summary>Whether the status is terminal: it never changes again.</summary>
    /// <param name="status">The status to test.</param>
    /// <returns><see langword="true"/> for <see cref="ExecutionStatus.Completed"/>, <see cref="ExecutionStatus.Failed"/> and <see cref="ExecutionStatus.Cancelled"/>.</returns>
    public static bool IsTerminal(this ExecutionStatus status) =>
        status is ExecutionStatus.Completed or ExecutionStatus.Failed or ExecutionStatus.Cancelled;
}
