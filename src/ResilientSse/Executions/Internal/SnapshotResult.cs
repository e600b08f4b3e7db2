namespace ResilientSse.Executions.Internal;

/// <summary>What one snapshot request gave: a snapshot, a 404, or nothing usable this time (with the <c>Retry-After</c> it asked for, if any).</summary>
internal readonly record struct SnapshotResult(ExecutionSnapshot? Snapshot, bool NotFound, SseTransientException? Failure)
{
    public static SnapshotResult Found(ExecutionSnapshot snapshot) => new(snapshot, false, null);

    public static SnapshotResult Missing() => new(null, true, null);

    public static SnapshotResult Unavailable(SseTransientException failure) => new(null, false, failure);

    /// <summary>Gets whether the server answered at all (a snapshot, a 404, or another status), rather than not being reached.</summary>
    public bool Answered => Snapshot is not null || NotFound || Failure?.StatusCode is not null;

    /// <summary>Gets the wait the endpoint asked for with <c>Retry-After</c>, if it did.</summary>
    public TimeSpan? RetryAfter => Failure?.RetryAfter;
}
