using Tern.Engine.Pending;

namespace Tern.PendingBench;

/// <summary>
/// Polls a table that an earlier <c>table … --checkpoint</c> run filled, reopened from its checkpoint: a warm-up pass,
/// then, with <c>--drop-caches</c>, the kernel's page cache emptied (root only), then the measured pass. With the cache
/// empty every reference not in the table's log memory is a disk read, as at 100M references, where the references
/// outgrow the page cache (perf-reports/pending.md). Used by bench/ab-poll.sh; reads only, so one table serves runs of
/// several builds.
/// </summary>
internal static class ReopenedPolls
{
    public static int Run(string directory, long refs, long refsPerHash, int polls, bool dropCaches, bool evict = false, long targetRefs = 0)
    {
        if (evict)
        {
            TableEviction.Evict(directory);
        }

        using var table = new PendingTable(new PendingTableOptions { DataDirectory = directory });
        if (table.Count != refs)
        {
            Console.Error.WriteLine($"{directory} holds {table.Count} references, not the {refs} given with --refs: fill it with `table --refs {refs} --refs-per-hash {refsPerHash} --polls 0 --checkpoint` first.");
            return 1;
        }

        // A fill stopped by its time bound filed its references over the hashes of the count it was asked for.
        var hashes = Math.Max(1, Math.Max(refs, targetRefs) / refsPerHash);
        PendingLoad.Poll(table, refs, hashes, refsPerHash, polls, seed: 1, out _, out _);
        if (dropCaches)
        {
            File.WriteAllText("/proc/sys/vm/drop_caches", "3");
        }

        var before = ProcessIo.Now();
        var latencies = PendingLoad.Poll(table, refs, hashes, refsPerHash, polls, seed: 2, out var returned, out var seconds);
        var after = ProcessIo.Now();
        if (Environment.GetEnvironmentVariable("TERN_POLL_LATENCIES") is { Length: > 0 } latencyFile)
        {
            // Every measured poll's latency in µs, in poll order, for a profile that lines slow polls up with the disk.
            File.WriteAllLines(latencyFile, latencies.Select(t => (t * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));
        }

        Array.Sort(latencies);
        Console.WriteLine(PendingLoad.PollResultLine(polls, hashes, returned, latencies, seconds) + $" page_cache={(dropCaches ? "dropped" : evict ? "evicted" : "kept")} {ProcessIo.PerPoll(before, after, polls)}");
        return 0;
    }
}
