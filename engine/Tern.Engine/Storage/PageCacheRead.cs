using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// A read served only from the page cache, on the caller's thread: <c>preadv2</c> with <c>RWF_NOWAIT</c>, which fails
/// rather than wait for the disk. .NET reads a file asynchronously on Linux by queuing a blocking read to the thread
/// pool, a hop to another thread and back for every read; bytes just written (a blob being fetched a moment after its
/// submission) are in the cache, where a read costs microseconds and need not leave the thread. Anything else — bytes
/// not all cached, a kernel or file system without the flag — answers "not read" and the caller reads as before.
/// </summary>
internal static unsafe partial class PageCacheRead
{
    // preadv2(2) flag: do not wait for data that is not immediately available.
    private const int ReadNoWait = 0x8;

    // Set once the kernel says the call or the flag is unknown (ENOSYS, EOPNOTSUPP, EINVAL): never asked again.
    private static volatile bool s_unsupported;

    /// <summary>
    /// Reads <paramref name="first"/> then <paramref name="second"/> from <paramref name="offset"/>, both whole, if the
    /// page cache holds them; false otherwise (nothing is then to be trusted in either buffer).
    /// </summary>
    public static bool TryRead(SafeFileHandle file, Span<byte> first, Span<byte> second, long offset)
    {
        if (s_unsupported)
        {
            return false;
        }

        var wanted = first.Length + second.Length;
        fixed (byte* a = first)
        fixed (byte* b = second)
        {
            var vectors = stackalloc IoVector[2];
            vectors[0] = new IoVector { Base = a, Length = (nuint)first.Length };
            vectors[1] = new IoVector { Base = b, Length = (nuint)second.Length };
            var read = PReadV2(file, vectors, second.IsEmpty ? 1 : 2, offset, ReadNoWait);
            if (read < 0)
            {
                // EAGAIN: not all cached, the ordinary miss. The others: no such call or flag here.
                var error = Marshal.GetLastPInvokeError();
                if (error is Enosys or Eopnotsupp or Einval)
                {
                    s_unsupported = true;
                }

                return false;
            }

            return read == wanted;
        }
    }

    private const int Enosys = 38;
    private const int Eopnotsupp = 95;
    private const int Einval = 22;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [LibraryImport("libc", EntryPoint = "preadv2", SetLastError = true)]
    private static partial nint PReadV2(SafeFileHandle fd, IoVector* iov, int iovcnt, long offset, int flags);
}
