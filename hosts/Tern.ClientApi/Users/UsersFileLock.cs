namespace Tern.ClientApi.Users;

/// <summary>
/// An exclusive lock on the users file, held from reading it to replacing it, so that the operator's <c>tern user</c>
/// commands (each its own process) and a node splitting a users file of the first layout never write over each other's
/// change. The users' settings files are not under it: only the running node writes them. It is an advisory lock
/// (<c>flock</c>, which .NET takes on a <see cref="FileShare.None"/> open on Linux) on a side file <c>users.json.lock</c>: the
/// users file itself is replaced by a rename, so a lock on it would be on a file that is gone after the first write.
/// </summary>
internal sealed class UsersFileLock : IDisposable
{
    /// <summary>How long a writer waits for the other writer before refusing. Writes take milliseconds.</summary>
    internal static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FileStream _file;

    private UsersFileLock(FileStream file) => _file = file;

    /// <summary>Takes the lock of <paramref name="usersFile"/>, waiting up to <see cref="Wait"/>.</summary>
    /// <exception cref="UserDirectoryException">Another process held it the whole time.</exception>
    public static UsersFileLock Acquire(string usersFile)
    {
        var path = usersFile + ".lock";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var deadline = DateTime.UtcNow + Wait;
        var pause = 1;
        while (true)
        {
            try
            {
                // The side file stays: removing it would let a third writer lock a new file while the second holds the old one.
                return new UsersFileLock(new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                }));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new UserDirectoryException($"{usersFile} is locked by another writer ({path}) for longer than {Wait.TotalSeconds:0} s", e);
                }

                // Short random pauses: a writer holds the lock for about a millisecond, and a waiter that slept long
                // would keep missing the gaps between another writer's writes.
                Thread.Sleep(Random.Shared.Next(1, pause + 1));
                pause = Math.Min(pause * 2, 4);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
