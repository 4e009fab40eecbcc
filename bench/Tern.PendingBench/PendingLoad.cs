using System.Diagnostics;
using System.Text;
using Tern.Engine.Pending;
using Tern.Engine.Protocol.Notification;

namespace Tern.PendingBench;

/// <summary>
/// Fills a fresh <see cref="PendingTable"/> with default (100M-sized) options, or sized for a given number of references
/// (<c>--sized-for</c>, <see cref="PendingTableOptions.ForReferences"/>, as a node sized for its load), from one or more
/// writer threads, then measures warm polls of random recipient hashes. Prints <c>key=value</c> lines for bench/run-pending.sh.
/// </summary>
internal static class PendingLoad
{
    private const int Domains = 1000;
    private const long ReceivedAtMs = 1_800_000_000_000;

    public static async Task Run(string directory, long refs, int writers, long refsPerHash, int polls, double timeoutSeconds, bool checkpoint, long sizedFor = 0, long duplicates = 0)
    {
        var hashes = Math.Max(1, refs / refsPerHash);
        var rssEmpty = ProcessMemory.Rss;
        var options = sizedFor > 0 ? PendingTableOptions.ForReferences(directory, sizedFor) : new PendingTableOptions { DataDirectory = directory };
        using var table = new PendingTable(options);
        var rssOpen = ProcessMemory.Rss;
        Console.WriteLine($"info index_bytes={options.RefIndexBytes + options.CapabilityIndexBytes + options.RecipientIndexBytes} log_memory_bytes={options.RefLogMemoryBytes + options.CapabilityLogMemoryBytes + options.RecipientLogMemoryBytes} rss_empty={rssEmpty} rss_open={rssOpen}");

        var domainNames = new byte[Domains][];
        for (var d = 0; d < Domains; d++)
        {
            domainNames[d] = Encoding.ASCII.GetBytes($"sender{d}.example.org");
        }

        var hintBytes = FetchHintList.Encode(["https://tern.sender.example.org/v1/blobs"]);
        var mime = "message/rfc822"u8.ToArray();
        var senderKey = new byte[32];
        var deadline = Stopwatch.GetTimestamp() + (long)(timeoutSeconds * Stopwatch.Frequency);
        long done = 0;
        var started = Stopwatch.GetTimestamp();
        var threads = new Thread[writers];
        for (var w = 0; w < writers; w++)
        {
            var writer = w;
            threads[w] = new Thread(() =>
            {
                FetchHintList.TryCreate(hintBytes, out var hints);
                var payloadHash = RefGenerator.Value(7, (ulong)writer);
                for (long i = writer; i < refs; i += writers)
                {
                    var record = new NotificationRecord(
                        RefGenerator.Capability(i),
                        RefGenerator.Hash(RefGenerator.HashIndexOf(i, hashes, refsPerHash)),
                        ReceivedAtMs + 86_400_000,
                        4096,
                        payloadHash,
                        1,
                        NotificationFlags.None,
                        domainNames[i % Domains],
                        mime,
                        hints);
                    var result = table.TryInsert(record, senderKey, ReceivedAtMs);
                    if (result.Status != PendingInsertStatus.Inserted)
                    {
                        throw new InvalidOperationException($"insert {i}: {result}");
                    }

                    var total = Interlocked.Increment(ref done);
                    if (total % 5_000_000 == 0)
                    {
                        Console.WriteLine($"progress refs={total} elapsed_s={Stopwatch.GetElapsedTime(started).TotalSeconds:F1} rss={ProcessMemory.Rss}");
                    }

                    if ((i & 0xFFF) == 0 && Stopwatch.GetTimestamp() > deadline)
                    {
                        return;
                    }
                }
            })
            { IsBackground = true, Name = $"writer-{w}" };
            threads[w].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var inserted = Interlocked.Read(ref done);
        var rssFull = ProcessMemory.Rss;
        Console.WriteLine($"result mode=insert writers={writers} refs={inserted} target_refs={refs} complete={(inserted == refs ? 1 : 0)} inserts_per_s={inserted / seconds:F0} seconds={seconds:F1} rss={rssFull} hwm={ProcessMemory.Peak} rss_open={rssOpen} count={table.Count}");

        if (polls > 0)
        {
            // Warm: one pass over random hashes first, then the measured pass over another random sequence.
            Poll(table, inserted, hashes, refsPerHash, polls, seed: 1, out _, out _);
            var latencies = Poll(table, inserted, hashes, refsPerHash, polls, seed: 2, out var returned, out var pollSeconds);
            Array.Sort(latencies);
            Console.WriteLine(PollResultLine(polls, hashes, returned, latencies, pollSeconds));
        }

        if (duplicates > 0)
        {
            DuplicatePass.Run(table, Math.Min(duplicates, inserted), hashes, refsPerHash, writers, domainNames, mime, hintBytes, senderKey, ReceivedAtMs + 86_400_000, ReceivedAtMs + 2000);
        }

        if (checkpoint)
        {
            var checkpointStarted = Stopwatch.GetTimestamp();
            await table.TakeCheckpointAsync().ConfigureAwait(false);
            Console.WriteLine($"result mode=checkpoint seconds={Stopwatch.GetElapsedTime(checkpointStarted).TotalSeconds:F1} rss={ProcessMemory.Rss} hwm={ProcessMemory.Peak}");
        }
    }

    /// <summary>The <c>result mode=poll</c> line of sorted latencies.</summary>
    public static string PollResultLine(int polls, long hashes, long returned, long[] sorted, double seconds)
        => $"result mode=poll polls={polls} hashes={hashes} refs_per_poll={(double)returned / polls:F2} p50_us={Percentile(sorted, 0.50):F1} p99_us={Percentile(sorted, 0.99):F1} p999_us={Percentile(sorted, 0.999):F1} polls_per_s={polls / seconds:F0} rss={ProcessMemory.Rss}";

    public static long[] Poll(PendingTable table, long inserted, long hashes, long refsPerHash, int polls, ulong seed, out long returned, out double seconds)
    {
        var latencies = new long[polls];
        returned = 0;
        var started = Stopwatch.GetTimestamp();
        for (var p = 0; p < polls; p++)
        {
            // The hash of a random inserted reference: every polled hash holds at least one reference, so the
            // mean page is refs-per-hash + 1 (size-biased), the case a client that was notified actually polls.
            var reference = (long)(RefGenerator.Mix((seed << 48) ^ (ulong)p) % (ulong)inserted);
            var hash = RefGenerator.Hash(RefGenerator.HashIndexOf(reference, hashes, refsPerHash));
            var t0 = Stopwatch.GetTimestamp();
            var page = table.Poll(hash, 0, 100);
            latencies[p] = Stopwatch.GetTimestamp() - t0;
            returned += page.References.Count;
        }

        seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return latencies;
    }

    private static double Percentile(long[] sorted, double q)
        => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * 1_000_000.0 / Stopwatch.Frequency;
}
