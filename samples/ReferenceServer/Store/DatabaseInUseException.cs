namespace ResilientSse.ReferenceServer.Store;

/// <summary>Another server owns the database file: a second one refuses to start rather than take over its runs.</summary>
public sealed class DatabaseInUseException(string databasePath, string lockPath, string? owner)
    : IOException($"The database {databasePath} is in use by another reference server ({owner ?? "owner unknown"}; lock file {lockPath}). "
        + "Stop that server, or give this one another --db.")
{
    /// <summary>Gets the full path of the database file.</summary>
    public string DatabasePath { get; } = databasePath;

    /// <summary>Gets the lock file that is held.</summary>
    public string LockPath { get; } = lockPath;

    /// <summary>Gets what the owner wrote into <c>&lt;db&gt;.owner</c> (process id and start time), when it could be read.</summary>
    public string? Owner { get; } = owner;
}
