using System.Diagnostics;

namespace Tern.Engine.Pull;

// Temporary measurement (issue 18, legitimate p99): with TERN_COMMIT_TRACE=<sender domain> each commit of that domain
// writes its steps' times to stderr, with the thread pool's queue, and every compaction its hold time.
public sealed partial class MessageStore
{
    private static readonly string? TraceDomain = Environment.GetEnvironmentVariable("TERN_COMMIT_TRACE");

    internal static bool Tracing(string senderDomain) => TraceDomain is not null && string.Equals(senderDomain, TraceDomain, StringComparison.Ordinal);

    internal static void TraceLine(string line)
    {
        if (TraceDomain is not null)
        {
            Console.Error.WriteLine($"trace {DateTime.UtcNow:HH:mm:ss.fff} {line} pool(pending={ThreadPool.PendingWorkItemCount} threads={ThreadPool.ThreadCount})");
        }
    }

    internal static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
