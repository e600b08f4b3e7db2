namespace ResilientSse.Watcher;

/// <summary>The console watcher's exit codes (CONTRACT §4).</summary>
internal static class ExitCodes
{
    /// <summary>The execution completed (or, for <c>tail</c>, the server said stop with 204).</summary>
    public const int Completed = 0;

    /// <summary>The execution failed or was cancelled.</summary>
    public const int FailedOrCancelled = 1;

    /// <summary>The watch itself failed: unknown execution, gave up, bad server data, bad arguments.</summary>
    public const int WatchError = 2;

    /// <summary>Interrupted by Ctrl-C or SIGTERM.</summary>
    public const int Interrupted = 130;
}
