using System.Globalization;

namespace ResilientSse.ReferenceServer.Store;

/// <summary>
/// One server per database file: an exclusive lock on <c>&lt;db&gt;.lock</c>, held for the store's lifetime, and the
/// owner's process id and start time in <c>&lt;db&gt;.owner</c> (a separate file: on Linux any .NET open of the locked
/// file takes a <c>flock</c> of its own and fails, so a refused server could not read it). On Linux and macOS
/// <see cref="FileShare.None"/> is an advisory <c>flock</c>, on Windows a share mode: either way the operating system
/// drops it when the owner exits, even by <c>kill -9</c>, so files left by a dead process never block the next start.
/// The lock file is left in place: deleting it on release would let two servers lock two different files of one name.
/// </summary>
internal sealed class DatabaseOwnerLock : IDisposable
{
    private readonly FileStream _file;

    private DatabaseOwnerLock(FileStream file) => _file = file;

    /// <summary>Takes the lock of the database at <paramref name="databasePath"/> (a full path) without waiting.</summary>
    /// <exception cref="DatabaseInUseException">Another server holds it.</exception>
    public static DatabaseOwnerLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        FileStream file;
        try
        {
            file = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new DatabaseInUseException(databasePath, lockPath, ReadOwner(databasePath + ".owner"));
        }

        try
        {
            var owner = string.Create(
                CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} ({Environment.ProcessPath ?? "unknown executable"}), started {TimeProvider.System.GetUtcNow():O}");
            File.WriteAllText(databasePath + ".owner", owner);
            return new DatabaseOwnerLock(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock (closing the file is what releases it).</summary>
    public void Dispose() => _file.Dispose();

    private static string? ReadOwner(string ownerPath)
    {
        try
        {
            var owner = File.ReadAllText(ownerPath).Trim();
            return owner.Length == 0 ? null : owner;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
