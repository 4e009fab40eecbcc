using System.Diagnostics;
using System.Globalization;

namespace Tern.UdpBench;

/// <summary>
/// A burst as a receiver saw it, from its first datagram after the call to its last before an idle gap, with the
/// process CPU spent in between. Read by polling a counter every 5 ms, not in the receive loop: a clock read per
/// datagram would weigh on the receivers that take one datagram a call.
/// </summary>
internal readonly record struct Burst(long Datagrams, double Seconds, TimeSpan Cpu)
{
    private static readonly TimeSpan NothingCameLimit = TimeSpan.FromSeconds(60);

    /// <summary>CPU a datagram, µs.</summary>
    public double CpuMicrosecondsPerDatagram => Cpu.TotalMicroseconds / Datagrams;

    /// <summary>
    /// Waits for the counter to move, runs <paramref name="atStart"/> there (what arrived before is left out), then
    /// counts until no datagram came for <paramref name="idleMs"/>.
    /// </summary>
    public static Burst Measure(Func<long> received, int idleMs, Action? atStart = null)
    {
        var waiting = Stopwatch.StartNew();
        var before = received();
        while (received() == before && waiting.Elapsed < NothingCameLimit)
        {
            Thread.SpinWait(100);
        }

        var clock = Stopwatch.StartNew();
        var cpuFirst = Environment.CpuUsage.TotalTime;
        var atFirst = received();
        atStart?.Invoke();
        var (last, lastChange, cpuLast) = Idle(received, idleMs, clock);
        return new Burst(last - atFirst, lastChange.TotalSeconds, cpuLast - cpuFirst);
    }

    /// <summary>Returns once something has come and then nothing for <paramref name="idleMs"/> (or nothing at all for a minute).</summary>
    public static void WaitForIdle(Func<long> received, int idleMs) => Idle(received, idleMs, Stopwatch.StartNew());

    /// <summary>TERN_BENCH_RCVBUF when set (the drain runs of bench/run-ingest.sh ask for a socket that holds the whole file).</summary>
    public static int ReceiveBufferBytes(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("TERN_BENCH_RCVBUF"), CultureInfo.InvariantCulture, out var bytes) ? bytes : fallback;

    private static (long Last, TimeSpan At, TimeSpan Cpu) Idle(Func<long> received, int idleMs, Stopwatch clock)
    {
        var last = received();
        var lastChange = clock.Elapsed;
        var cpuAtLast = Environment.CpuUsage.TotalTime;
        while ((clock.Elapsed - lastChange).TotalMilliseconds <= idleMs || (last == 0 && clock.Elapsed < NothingCameLimit))
        {
            Thread.Sleep(5);
            var now = received();
            if (now != last)
            {
                last = now;
                lastChange = clock.Elapsed;
                cpuAtLast = Environment.CpuUsage.TotalTime;
            }
        }

        return (last, lastChange, cpuAtLast);
    }
}
