namespace ResilientSse.ReferenceServer.Store;

/// <summary>One event of an execution's log: its id (1, 2, … with no gap), type, and one line of JSON data.</summary>
internal sealed record StoredEvent(long Id, string Type, string Data)
{
    public bool IsTerminal => Type is "workflow.completed" or "workflow.failed" or "workflow.cancelled";
}
