namespace ResilientSse.ReferenceServer;

/// <summary>Where the reference server keeps executions and their event logs.</summary>
public enum ReferenceStoreKind
{
    /// <summary>A SQLite file (<see cref="ReferenceServerOptions.DatabasePath"/>): survives restarts.</summary>
    Sqlite,

    /// <summary>Memory only: for tests and demos.</summary>
    Memory,

    /// <summary>
    /// A Redis server (<see cref="ReferenceServerOptions.Redis"/>) that any number of reference servers share: each
    /// serves every execution, and live events written by one reach the streams of all.
    /// </summary>
    Redis,
}
