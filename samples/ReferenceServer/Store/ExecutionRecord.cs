namespace ResilientSse.ReferenceServer.Store;

/// <summary>An execution as stored: what the snapshot shows. <see cref="LastEventId"/> is 0 before the first event.</summary>
internal sealed record ExecutionRecord(
    string Id,
    string WorkflowId,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    long? ExecutionTime,
    long LastEventId,
    string? OutputJson,
    string? Error)
{
    public bool IsTerminal => Status is ExecutionStatuses.Completed or ExecutionStatuses.Failed or ExecutionStatuses.Cancelled;
}
