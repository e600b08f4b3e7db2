using System.Text.Json;

namespace ResilientSse.Executions;

/// <summary>The state of an execution as <c>GET …/executions/{id}</c> reports it.</summary>
public sealed class ExecutionSnapshot
{
    /// <summary>Creates a snapshot.</summary>
    /// <param name="id">The execution id.</param>
    /// <param name="status">The status, mapped through <see cref="ExecutionWatcherOptions.StatusNames"/>.</param>
    /// <param name="statusName">The status exactly as the server wrote it.</param>
    public ExecutionSnapshot(string id, ExecutionStatus status, string statusName)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(statusName);
        Id = id;
        Status = status;
        StatusName = statusName;
    }

    /// <summary>The execution id.</summary>
    public string Id { get; }

    /// <summary>The status, mapped through <see cref="ExecutionWatcherOptions.StatusNames"/>.</summary>
    public ExecutionStatus Status { get; }

    /// <summary>The status exactly as the server wrote it.</summary>
    public string StatusName { get; }

    /// <summary>Whether <see cref="Status"/> is terminal.</summary>
    public bool IsTerminal => Status.IsTerminal();

    /// <summary>The workflow the execution runs, when the server says.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>When the execution started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the execution reached its terminal status.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The time from start to completion, as the server reports it (its <c>executionTime</c>, in milliseconds).</summary>
    public TimeSpan? ExecutionTime { get; init; }

    /// <summary>The id of the last event in the execution's log; <see langword="null"/> before the first.</summary>
    public string? LastEventId { get; init; }

    /// <summary>The execution's output, when it has one.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>The execution's error, when it has one.</summary>
    public JsonElement? Error { get; init; }
}
