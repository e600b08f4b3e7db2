using System.Globalization;

namespace ResilientSse.Executions.Internal;

/// <summary>The defaults of <see cref="ExecutionWatcherOptions"/>, in one place.</summary>
internal static class ExecutionWatcherDefaults
{
    public const string StreamPath = "workflow/executions/{id}/stream";
    public const string SnapshotPath = "workflow/executions/{id}";
    public const string IdPlaceholder = "{id}";
    public const int MaxStreamFailures = 5;

    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan QuietStreamCheckInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan StreamRetryInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan OfflineBudget = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan FirstContactBudget = TimeSpan.FromSeconds(30);

    public static IDictionary<string, ExecutionStatus> CreateTerminalEventTypes() => new Dictionary<string, ExecutionStatus>(StringComparer.Ordinal)
    {
        ["workflow.completed"] = ExecutionStatus.Completed,
        ["workflow.failed"] = ExecutionStatus.Failed,
        ["workflow.cancelled"] = ExecutionStatus.Cancelled,
    };

    public static IDictionary<string, ExecutionStatus> CreateStatusNames() => new Dictionary<string, ExecutionStatus>(StringComparer.OrdinalIgnoreCase)
    {
        ["pending"] = ExecutionStatus.Pending,
        ["running"] = ExecutionStatus.Running,
        ["completed"] = ExecutionStatus.Completed,
        ["failed"] = ExecutionStatus.Failed,
        ["cancelled"] = ExecutionStatus.Cancelled,
        ["canceled"] = ExecutionStatus.Cancelled,
    };

    public static long? ParseEventId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
