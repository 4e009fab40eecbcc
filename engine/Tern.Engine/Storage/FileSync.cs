using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// The two Linux calls the page-cache log device needs and .NET does not offer: <c>fdatasync</c> (the BCL's
/// <see cref="RandomAccess.FlushToDisk"/> is <c>fsync</c>, which also writes back timestamps the log never reads) and
/// <c>sync_file_range</c> to start the writeback of a range without waiting for it.
/// </summary>
internal static partial class FileSync
{
    // sync_file_range(2): start writeback of the dirty pages in the range, do not wait for it.
    private const uint SyncFileRangeWrite = 2;

    /// <summary>Makes the file's data (and the size and allocation needed to read it back) durable.</summary>
    /// <exception cref="IOException">The kernel reported an error: written data may be lost.</exception>
    public static void DataSync(SafeFileHandle file)
    {
        if (Fdatasync(file) != 0)
        {
            throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Asks the kernel to start writing the range back now; returns without waiting. Best effort.</summary>
    public static void StartWriteback(SafeFileHandle file, long offset, long length) => _ = SyncFileRange(file, offset, length, SyncFileRangeWrite);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
