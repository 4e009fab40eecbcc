using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tern.Load.Open;

/// <summary>
/// Sleeps until a <see cref="Stopwatch"/> timestamp with <c>clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)</c>: on Linux
/// the timestamp is that clock in nanoseconds, so a dispatcher wakes within the timer slack (about 50 µs) of a send's due
/// time without spinning a core, where <see cref="Thread.Sleep(int)"/> rounds to whole milliseconds.
/// </summary>
internal static unsafe partial class MonotonicSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsoluteTime = 1;
    private const int Interrupted = 4; // EINTR
    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>Returns at or after <paramref name="timestamp"/> (at once when it has passed).</summary>
    public static void Until(long timestamp)
    {
        while (Stopwatch.GetTimestamp() < timestamp)
        {
            if (Stopwatch.Frequency != NanosecondsPerSecond)
            {
                // Not the monotonic clock in nanoseconds: millisecond sleeps, late by up to one.
                Thread.Sleep(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp));
                continue;
            }

            var request = new TimeSpec { Seconds = timestamp / NanosecondsPerSecond, Nanoseconds = timestamp % NanosecondsPerSecond };
            var result = ClockNanosleep(ClockMonotonic, TimerAbsoluteTime, &request, null);
            if (result != 0 && result != Interrupted)
            {
                throw new InvalidOperationException($"clock_nanosleep failed with error {result}");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, TimeSpec* request, TimeSpec* remain);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
