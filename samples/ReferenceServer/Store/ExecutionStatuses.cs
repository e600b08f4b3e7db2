namespace ResilientSse.ReferenceServer.Store;

/// <summary>The status names of CONTRACT §1.</summary>
internal static class ExecutionStatuses
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}
