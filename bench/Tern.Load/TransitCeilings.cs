using System.Diagnostics;
using System.Globalization;
using FASTER.core;
using Tern.Engine.Crypto;
using Tern.Engine.Transit;

namespace Tern.Load;

/// <summary>
/// The two ceilings under a large blob's write speed, measured on their own so a report can say what limits it:
/// FasterLog alone (same page and buffer sizes, device and commit manager as the store's blob logs, no hashing) and the
/// payload hash alone on one core.
/// </summary>
internal static class TransitCeilings
{
    public static async Task FasterLogAsync(string directory, long megabytes, LogWrites writes)
    {
        // The store's device and commit manager: with the page cache, the commit syncs the segments written.
        var (device, commits, fastCommit) = LogDeviceFactory.Open(Path.Combine(directory, "raw.log"), Path.Combine(directory, "commits"), writes.Writes, TransitLogWrites.Direct, TimeSpan.FromSeconds(1), writes.Writeback, _ => { });
        using var deviceScope = device;
        using var commitsScope = commits;
        using var log = new FasterLog(LogDeviceFactory.Settings(device, commits, fastCommit, pageSizeBits: 22, memorySizeBits: 25, segmentSizeBits: 26));
        var chunk = new byte[256 * 1024];

        // Warmed up as the store's write is (TransitLoad.BlobAsync): a first 256 MiB, committed, and a pause.
        await AppendAsync(log, chunk, 256L << 20).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        var total = megabytes << 20;
        var cpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        await AppendAsync(log, chunk, total).ConfigureAwait(false);
        var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT bytes={total} seconds={watch.Elapsed.TotalSeconds:F2} mb_per_second={megabytes / watch.Elapsed.TotalSeconds:F0} cpu_seconds={cpuSeconds:F2}"));
    }

    private static async Task AppendAsync(FasterLog log, byte[] chunk, long total)
    {
        for (long written = 0; written < total; written += chunk.Length)
        {
            await log.EnqueueAsync(chunk).ConfigureAwait(false);
        }

        await log.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The kernel's copy into the page cache alone, against the size of the memory it copies from: 1 GiB written with
    /// <c>pwrite</c> from a ring of <paramref name="slots"/> pinned buffers of <paramref name="slotMiB"/> MiB (each filled
    /// from a 256 KiB chunk first, as FasterLog fills its pages), on one thread, then one fdatasync. The store's blob log
    /// copies from a ring of 8 pages of 4 MiB.
    /// </summary>
    public static void PageCacheCopy(string directory, int slots, int slotMiB)
    {
        Directory.CreateDirectory(directory);
        var slotSize = slotMiB << 20;
        var ring = GC.AllocateArray<byte>(slots * slotSize, pinned: true);
        var chunk = new byte[256 * 1024];
        Random.Shared.NextBytes(chunk);
        using var file = File.OpenHandle(Path.Combine(directory, "copy.bin"), FileMode.CreateNew, FileAccess.ReadWrite);
        var cpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        long offset = 0;
        for (var i = 0; offset < 1L << 30; i++)
        {
            var slot = ring.AsSpan(i % slots * slotSize, slotSize);
            for (var c = 0; c < slotSize; c += chunk.Length)
            {
                chunk.CopyTo(slot[c..]);
            }

            RandomAccess.Write(file, slot, offset);
            offset += slotSize;
        }

        var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        RandomAccess.FlushToDisk(file);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT ring_mib={slots * slotMiB} cpu_seconds={cpuSeconds:F2} seconds={watch.Elapsed.TotalSeconds:F2}"));
    }

    /// <summary>
    /// fdatasync against fsync (<see cref="RandomAccess.FlushToDisk"/>) after the writes a small commit makes: the log's
    /// tail rewritten from its last 512-byte sector and extended by 1 KiB, then synced, the two calls taking turns; each
    /// sync call is timed by itself, the write before it is not.
    /// </summary>
    public static void SyncCalls(string directory, int count)
    {
        Directory.CreateDirectory(directory);
        using var file = File.OpenHandle(Path.Combine(directory, "sync.bin"), FileMode.CreateNew, FileAccess.ReadWrite);
        var buffer = new byte[2048];
        Random.Shared.NextBytes(buffer);
        long tail = 0;
        long dataSync = 0, fullSync = 0;
        for (var i = 0; i < count * 2; i++)
        {
            var start = tail & ~511L;
            var end = (tail + 1024 + 511) & ~511L;
            RandomAccess.Write(file, buffer.AsSpan(0, (int)(end - start)), start);
            tail += 1024;
            var before = Stopwatch.GetTimestamp();
            if (i % 2 == 0)
            {
                DataSync.Flush(file);
                dataSync += Stopwatch.GetTimestamp() - before;
            }
            else
            {
                RandomAccess.FlushToDisk(file);
                fullSync += Stopwatch.GetTimestamp() - before;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT syncs={count} fdatasync_per_second={count * (double)Stopwatch.Frequency / dataSync:F0} fsync_per_second={count * (double)Stopwatch.Frequency / fullSync:F0}"));
    }

    public static void Blake2b(long megabytes)
    {
        var buffer = new byte[256 * 1024];
        using var hasher = new Blake2bHasher(32);
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < megabytes * 4; i++)
        {
            hasher.Append(buffer);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT bytes={megabytes << 20} seconds={watch.Elapsed.TotalSeconds:F2} mb_per_second={megabytes / watch.Elapsed.TotalSeconds:F0}"));
    }

    public static void PayloadTreeHash(long megabytes)
    {
        var buffer = new byte[256 * 1024];
        new Random(3).NextBytes(buffer);
        using (var warmup = new Tern.Engine.Protocol.Payload.PayloadHasher())
        {
            // Compiled as in a running node: a first 256 MiB hashed, and a pause for the background compiler.
            for (var i = 0; i < 1024; i++)
            {
                warmup.Append(buffer);
            }

            warmup.Finish();
        }

        Thread.Sleep(1000);
        using var hasher = new Tern.Engine.Protocol.Payload.PayloadHasher();
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < megabytes * 4; i++)
        {
            hasher.Append(buffer);
        }

        hasher.Finish();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT bytes={megabytes << 20} seconds={watch.Elapsed.TotalSeconds:F2} mb_per_second={megabytes / watch.Elapsed.TotalSeconds:F0}"));
    }
}
