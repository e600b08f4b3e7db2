using System.Globalization;

namespace ResilientSse.ReferenceServer.Store;

/// <summary>
/// One server per database file: an exclusive lock on <c>&lt;db&gt;.lock</c>, held for the store's lifetime, with the
/// owner's process id and start time written inside. On Linux and macOS <see cref="FileShare.None"/> is an advisory
/// <c>flock</c>, on Windows a share mode: either way the operating system drops it when the owner exits, even by
/// <c>kill -9</c>, so a lock file left by a dead process never blocks the next start. The file itself is left in place:
/// deleting it on release would let two servers lock two different files of the same name.
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
            throw new DatabaseInUseException(databasePath, lockPath, ReadOwner(lockPath));
        }

        try
        {
            var owner = string.Create(
                CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} ({Environment.ProcessPath ?? "unknown executable"}), started {TimeProvider.System.GetUtcNow():O}");
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true))
            {
                writer.Write(owner);
            }

            file.Flush(flushToDisk: true);
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

    private static string? ReadOwner(string lockPath)
    {
        try
        {
            // The lock is advisory: a reader that asks for no lock of its own can read what the owner wrote.
            using var reader = new FileStream(lockPath, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete });
            using var text = new StreamReader(reader);
            var owner = text.ReadToEnd().Trim();
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
