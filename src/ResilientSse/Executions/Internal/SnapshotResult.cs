namespace ResilientSse.Executions.Internal;

/// <summary>What one snapshot request gave: a snapshot, a 404, or nothing usable this time.</summary>
internal readonly record struct SnapshotResult(ExecutionSnapshot? Snapshot, bool NotFound, Exception? Failure)
{
    public static SnapshotResult Found(ExecutionSnapshot snapshot) => new(snapshot, false, null);

    public static SnapshotResult Missing() => new(null, true, null);

    public static SnapshotResult Unavailable(Exception failure) => new(null, false, failure);
}
