using System.Runtime.InteropServices;

namespace Tern.Transports.Udp;

/// <summary>
/// A thread's nice value on Linux, which the BCL does not set: <see cref="Thread.Priority"/> is ignored there for
/// ordinary threads (SCHED_OTHER has one static priority; the scheduler's weight comes from the per-thread nice value).
/// </summary>
internal static partial class LinuxThreadNative
{
    private const int PrioProcess = 0; // with a thread id, setpriority applies to that thread alone on Linux

    /// <summary>Makes the calling thread <paramref name="increment"/> nicer than it is (at most 19); returns 0 or the errno.</summary>
    public static int RaiseCurrentThreadNice(int increment)
    {
        var self = gettid();
        var current = getpriority(PrioProcess, self); // -1 is a nice value too: errno tells a failure apart
        if (current == -1 && Marshal.GetLastPInvokeError() is var failed and not 0)
        {
            return failed;
        }

        return setpriority(PrioProcess, self, Math.Min(19, current + increment)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The calling thread's kernel id (its directory in <c>/proc/self/task</c>).</summary>
    public static int CurrentThreadId() => gettid();

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int gettid();

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int getpriority(int which, int who);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int setpriority(int which, int who, int prio);
}
