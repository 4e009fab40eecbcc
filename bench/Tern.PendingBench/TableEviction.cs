using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tern.PendingBench;

/// <summary>
/// Drops one table's files from the kernel's page cache (<c>posix_fadvise</c> <c>DONTNEED</c>; a checkpointed table's pages
/// are clean), so that a run starts with its references on disk as at 100M, where they outgrow the cache, without
/// emptying the whole machine's cache under other processes (and without root).
/// </summary>
internal static class TableEviction
{
    private const int PosixFadviseDontNeed = 4;

    public static int Evict(string directory)
    {
        var files = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _ = posix_fadvise(file, 0, 0, PosixFadviseDontNeed);
            files++;
        }

        return files;
    }

    [DllImport("libc")]
    private static extern int posix_fadvise(SafeFileHandle fd, long offset, long length, int advice);
}
