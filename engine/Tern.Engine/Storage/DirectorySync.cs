using System.Runtime.InteropServices;

namespace Tern.Engine.Storage;

/// <summary>fsync of a directory, so that a rename into it survives a crash (.NET has no API for it).</summary>
public static partial class DirectorySync
{
    /// <summary>Flushes <paramref name="directory"/> itself (its entries: names created, renamed or removed in it).</summary>
    public static void Flush(string directory)
    {
        var fd = LinuxOpen.Open(directory, 0);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
