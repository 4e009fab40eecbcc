using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// Opens a file whose writes return only once their bytes are durable, without its times: <c>O_DSYNC</c>, which .NET
/// does not offer (<see cref="FileOptions.WriteThrough"/> opens <c>O_SYNC</c>). An <c>O_SYNC</c> write also makes the
/// file's modification time durable, and a time that moved (every clock tick, 4 ms here) costs a write of the inode
/// (or a commit of the file system's journal) on top of the data write; an overwrite of allocated blocks under
/// <c>O_DSYNC</c> is the data write and the disk's cache flush alone. What a reader of the bytes needs is the same
/// under both.
/// </summary>
internal static class DataSyncFile
{
    /// <summary>
    /// A read-write handle on the existing file <paramref name="path"/> whose every write is data-synchronous; where
    /// <c>O_DSYNC</c>'s value is not known here (not Linux, another architecture), one opened write-through instead.
    /// </summary>
    /// <exception cref="IOException">The file could not be opened.</exception>
    public static SafeFileHandle OpenExisting(string path)
    {
        if (LinuxOpen.DataSync is not { } dataSync)
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, FileOptions.WriteThrough);
        }

        return LinuxOpen.TryOpen(path, LinuxOpen.ReadWrite | LinuxOpen.CloseOnExec | dataSync)
            ?? throw new IOException($"Cannot open '{path}' for data-synchronous writes (errno {Marshal.GetLastPInvokeError()}).");
    }
}
