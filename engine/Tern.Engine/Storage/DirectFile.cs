using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// Opens a file for <c>O_DIRECT</c> writes, which .NET does not offer on Linux (<c>FileOptions</c> has no such flag and
/// the runtime ignores Windows' no-buffering option there): the disk reads the caller's memory itself, so a large write
/// costs no copy into the page cache (docs/ARCHITECTURE.md §3.1). Every write through such a handle must start at a
/// multiple of <see cref="Alignment"/> in the file and in memory and have a length that is one.
/// </summary>
internal static class DirectFile
{
    /// <summary>The alignment every direct write keeps: the page size, which covers the logical block size of any disk.</summary>
    public const int Alignment = 4096;

    /// <summary>
    /// A write-only direct handle on the existing file <paramref name="path"/>, or null where direct writes are not
    /// available (not Linux, an architecture whose flag value is not known here, or a file system that refuses
    /// <c>O_DIRECT</c>, such as tmpfs on older kernels): the caller then writes through the page cache.
    /// </summary>
    public static SafeFileHandle? TryOpenForWrite(string path) =>
        LinuxOpen.Direct is { } direct ? LinuxOpen.TryOpen(path, LinuxOpen.WriteOnly | LinuxOpen.CloseOnExec | direct) : null;

    /// <summary>
    /// As <see cref="TryOpenForWrite"/>, with every write also data-synchronous (<c>O_DIRECT|O_DSYNC</c>): durable,
    /// with what is needed to read it back, when it returns. Null where either flag is unknown or refused.
    /// </summary>
    public static SafeFileHandle? TryOpenForDataSyncWrite(string path) =>
        LinuxOpen.Direct is { } direct && LinuxOpen.DataSync is { } dataSync
            ? LinuxOpen.TryOpen(path, LinuxOpen.WriteOnly | LinuxOpen.CloseOnExec | direct | dataSync)
            : null;

    /// <summary>Whether a write of <paramref name="length"/> bytes from <paramref name="memory"/> to <paramref name="offset"/> may go direct.</summary>
    public static bool IsAligned(nint memory, long offset, long length) => ((memory | offset | length) & (Alignment - 1)) == 0;
}
