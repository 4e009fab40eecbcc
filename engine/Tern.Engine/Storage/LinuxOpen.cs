using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// <c>open(2)</c> with the flags .NET's <see cref="FileOptions"/> lack (<c>O_DIRECT</c>, <c>O_DSYNC</c>): the one import
/// and the flag values the storage classes share (<see cref="DirectFile"/>, <see cref="DataSyncFile"/>, <see cref="DirectorySync"/>).
/// </summary>
internal static partial class LinuxOpen
{
    public const int WriteOnly = 0x1;
    public const int ReadWrite = 0x2;
    public const int CloseOnExec = 0x80000;

    /// <summary><c>O_DIRECT</c>, which differs between Linux architectures (asm-generic 040000, arm and arm64 0200000); null off Linux or where unknown.</summary>
    public static int? Direct => !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => null,
    };

    /// <summary><c>O_DSYNC</c>, asm-generic's 010000 on every architecture .NET runs Linux on; null off Linux or where unknown.</summary>
    public static int? DataSync => !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.Arm64 or Architecture.Arm => 0x1000,
        _ => null,
    };

    /// <summary>A handle on <paramref name="path"/> opened with <paramref name="flags"/>, or null (the error in <see cref="Marshal.GetLastPInvokeError"/>).</summary>
    public static SafeFileHandle? TryOpen(string path, int flags)
    {
        var fd = Open(path, flags);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The raw descriptor, or -1 (the error in <see cref="Marshal.GetLastPInvokeError"/>).</summary>
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);
}
