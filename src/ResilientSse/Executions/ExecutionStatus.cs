namespace ResilientSse.Executions;

/// <summary>The state of an execution. <see cref="Completed"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are terminal.</summary>
public enum ExecutionStatus
{
    /// <summary>A status name the watcher does not know; never terminal.</summary>
    Unknown,

    /// <summary>Created, not started yet.</summary>
    Pending,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Finished successfully (terminal).</summary>
    Completed,

    /// <summary>Finished with an error (terminal).</summary>
    Failed,

    /// <summary>Stopped on request (terminal).</summary>
    Cancelled,
}
