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
        var (device, commits) = LogDeviceFactory.Open(Path.Combine(directory, "raw.log"), Path.Combine(directory, "commits"), writes.Writes, writes.Writeback, _ => { });
        using var deviceScope = device;
        using var commitsScope = commits;
        using var log = new FasterLog(new FasterLogSettings
        {
            LogDevice = device,
            LogCommitManager = commits,
            PageSizeBits = 22,
            MemorySizeBits = 25,
            SegmentSizeBits = 26,
        });
        var chunk = new byte[256 * 1024];
        var total = megabytes << 20;
        var watch = Stopwatch.StartNew();
        for (long written = 0; written < total; written += chunk.Length)
        {
            await log.EnqueueAsync(chunk).ConfigureAwait(false);
        }

        await log.CommitAsync().ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT bytes={total} seconds={watch.Elapsed.TotalSeconds:F2} mb_per_second={megabytes / watch.Elapsed.TotalSeconds:F0}"));
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
