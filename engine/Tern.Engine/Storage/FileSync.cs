using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// <c>sync_file_range</c>, which .NET does not offer: the page-cache log device starts the writeback of each page it
/// writes without waiting for it, so that a large blob goes to disk while it streams in.
/// </summary>
internal static partial class FileSync
{
    // sync_file_range(2): start writeback of the dirty pages in the range, do not wait for it.
    private const uint SyncFileRangeWrite = 2;

    /// <summary>Asks the kernel to start writing the range back now; returns without waiting. Best effort: the commit's sync is what makes it durable.</summary>
    public static void StartWriteback(SafeFileHandle file, long offset, long length) => _ = SyncFileRange(file, offset, length, SyncFileRangeWrite);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
