using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// Opens a file for <c>O_DIRECT</c> writes, which .NET does not offer on Linux (<c>FileOptions</c> has no such flag and
/// the runtime ignores Windows' no-buffering option there): the disk reads the caller's memory itself, so a large write
/// costs no copy into the page cache (docs/ARCHITECTURE.md §3.1). Every write through such a handle must start at a
/// multiple of <see cref="Alignment"/> in the file and in memory and have a length that is one.
/// </summary>
internal static partial class DirectFile
{
    /// <summary>The alignment every direct write keeps: the page size, which covers the logical block size of any disk.</summary>
    public const int Alignment = 4096;

    private const int WriteOnly = 0x1;
    private const int CloseOnExec = 0x80000;

    /// <summary>
    /// A write-only direct handle on the existing file <paramref name="path"/>, or null where direct writes are not
    /// available (not Linux, an architecture whose flag value is not known here, or a file system that refuses
    /// <c>O_DIRECT</c>, such as tmpfs on older kernels): the caller then writes through the page cache.
    /// </summary>
    public static SafeFileHandle? TryOpenForWrite(string path)
    {
        if (!OperatingSystem.IsLinux() || DirectFlag() is not { } direct)
        {
            return null;
        }

        var fd = Open(path, WriteOnly | CloseOnExec | direct);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Whether a write of <paramref name="length"/> bytes from <paramref name="memory"/> to <paramref name="offset"/> may go direct.</summary>
    public static bool IsAligned(nint memory, long offset, long length) => ((memory | offset | length) & (Alignment - 1)) == 0;

    // O_DIRECT differs between Linux architectures (asm-generic 040000, arm and arm64 0200000).
    private static int? DirectFlag() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => null,
    };

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);
}
