using System.Diagnostics;
using System.Runtime;

namespace Tern.UdpBench;

/// <summary>
/// Waits for the tiered JIT to finish what warm-up queued. A profile of the ingest bench found the tier-1 compiler
/// busy for half a second after 50 000 warm-up datagrams, on the same pinned core as the measured loop; a node runs
/// for days, so its steady state is what the benches measure.
/// </summary>
internal static class JitSettle
{
    /// <summary>Returns once no method was compiled for <paramref name="quiet"/>, or after <paramref name="limit"/>; prints what it waited.</summary>
    public static void Wait(TimeSpan quiet, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var count = JitInfo.GetCompiledMethodCount();
        var since = clock.Elapsed;
        while (clock.Elapsed - since < quiet && clock.Elapsed < limit)
        {
            Thread.Sleep(20);
            var now = JitInfo.GetCompiledMethodCount();
            if (now != count)
            {
                count = now;
                since = clock.Elapsed;
            }
        }

        Console.Error.WriteLine($"JIT settled after {clock.ElapsedMilliseconds} ms ({count} methods compiled)");
    }
}
