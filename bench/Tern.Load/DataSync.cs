using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tern.Load;

/// <summary><c>fdatasync</c>, for comparing with the BCL's <see cref="RandomAccess.FlushToDisk"/> (an <c>fsync</c>).</summary>
internal static partial class DataSync
{
    public static void Flush(SafeFileHandle file)
    {
        if (Fdatasync((int)file.DangerousGetHandle()) != 0)
        {
            throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int fd);
}
