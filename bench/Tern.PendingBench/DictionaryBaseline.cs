using System.Diagnostics;
using Tern.Engine.Protocol;

namespace Tern.PendingBench;

/// <summary>
/// The in-memory baseline: a plain Dictionary from capability to the same ~170-byte encoded reference (one
/// byte[] each), idempotent by TryAdd. What it costs to be durable and larger than memory is the ratio to this.
/// </summary>
internal static class DictionaryBaseline
{
    public static void Run(long refs, long hashes)
    {
        var rssBefore = ProcessMemory.Rss;
        var table = new Dictionary<Bytes32, byte[]>();
        Span<byte> encoded = stackalloc byte[170];
        var started = Stopwatch.GetTimestamp();
        for (long i = 0; i < refs; i++)
        {
            var capability = RefGenerator.Capability(i).Value;
            var hash = RefGenerator.Hash(RefGenerator.HashIndexOf(i, hashes)).Value;
            capability.CopyTo(encoded);
            hash.CopyTo(encoded[32..]);
            if (!table.TryAdd(capability, encoded.ToArray()))
            {
                throw new InvalidOperationException($"duplicate at {i}");
            }

            if ((i + 1) % 5_000_000 == 0)
            {
                Console.WriteLine($"progress refs={i + 1} elapsed_s={Stopwatch.GetElapsedTime(started).TotalSeconds:F1} rss={ProcessMemory.Rss}");
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"result mode=baseline refs={refs} inserts_per_s={refs / seconds:F0} seconds={seconds:F1} rss={ProcessMemory.Rss} hwm={ProcessMemory.Peak} rss_before={rssBefore} count={table.Count}");
    }
}
