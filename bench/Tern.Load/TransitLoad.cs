using System.Diagnostics;
using System.Globalization;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Load;

/// <summary>Transit store load: durable small submissions with many concurrent submitters, and one large blob.</summary>
internal static class TransitLoad
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    // The large-blob warm-up: a blob of this size first, then a pause for the background compiler and for the disk to
    // finish what the warm-up left it (TERN_BENCH_SETTLE_SECONDS, as bench/run-transit.sh gives dd before its runs).
    private const long WarmupBytes = 256L << 20;
    private static readonly TimeSpan WarmupPause = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("TERN_BENCH_SETTLE_SECONDS"), CultureInfo.InvariantCulture, out var settle) ? settle : 1);

    /// <summary>
    /// Durable submissions of <paramref name="size"/> bytes from <paramref name="concurrency"/> submitters, each one at a
    /// time (<see cref="TransitStore.SubmitAsync"/>), or with TRANSIT_BATCH=n in the environment n at a time
    /// (<see cref="TransitStore.SubmitManyAsync"/>, what the client API's batch route calls).
    /// </summary>
    public static async Task SubmitAsync(string directory, int seconds, int concurrency, int size, LogWrites blobs, LogWrites journal)
    {
        var batch = int.TryParse(Environment.GetEnvironmentVariable("TRANSIT_BATCH"), CultureInfo.InvariantCulture, out var n) && n > 1 ? n : 1;
        var options = new TransitStoreOptions
        {
            DataDirectory = directory,
            CheckpointInterval = TimeSpan.FromSeconds(5),
            BlobLogWrites = blobs.Writes,
            BlobLogWriteback = blobs.Writeback,
            JournalLogWrites = journal.Writes,
        };
        await using var store = await TransitStore.OpenAsync(options);
        var content = new byte[size];
        Random.Shared.NextBytes(content);
        var recipients = new[] { new TransitRecipient("example.org", RecipientHash.NewRandom()) };
        long acked = 0;
        var measuring = false;
        var stop = false;

        var workers = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                var items = new SubmissionItem[batch];
                while (!Volatile.Read(ref stop))
                {
                    var request = new SubmissionRequest
                    {
                        Account = "load",
                        Recipients = recipients,
                        TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
                    };
                    var stored = 1;
                    if (batch == 1)
                    {
                        using var stream = new MemoryStream(content, writable: false);
                        await store.SubmitAsync(request, stream).ConfigureAwait(false);
                    }
                    else
                    {
                        Array.Fill(items, new SubmissionItem(request, content));
                        var outcomes = await store.SubmitManyAsync(items).ConfigureAwait(false);
                        stored = outcomes.Count(o => o.Result is not null);
                    }

                    if (Volatile.Read(ref measuring))
                    {
                        Interlocked.Add(ref acked, stored);
                    }
                }
            });
        }

        await Task.Delay(Warmup).ConfigureAwait(false);
        var commitsBefore = store.CommitCount;
        Volatile.Write(ref measuring, true);
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        Volatile.Write(ref measuring, false);
        var elapsed = watch.Elapsed.TotalSeconds;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var count = Interlocked.Read(ref acked);
        var commits = store.CommitCount - commitsBefore;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT submits={count} seconds={elapsed:F2} per_second={count / elapsed:F0} commits={commits} per_commit={(commits == 0 ? 0 : (double)count / commits):F1} cpu_us_per_submit={(count == 0 ? 0 : cpu.TotalMicroseconds / count):F1} batch={batch}"));
    }

    public static async Task BlobAsync(string directory, long megabytes, LogWrites blobs)
    {
        var options = new TransitStoreOptions
        {
            DataDirectory = directory,
            CheckpointInterval = Timeout.InfiniteTimeSpan,
            BlobLogWrites = blobs.Writes,
            BlobLogWriteback = blobs.Writeback,
        };
        await using var store = await TransitStore.OpenAsync(options);
        var request = new SubmissionRequest
        {
            Account = "load",
            Recipients = [new TransitRecipient("example.org", RecipientHash.NewRandom())],
            TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
        };

        // A running node has compiled its write path long before a large blob comes; a fresh process has not: tiered
        // compilation rejits the loops and the hash during the first few hundred MiB, and every rejit remaps code pages.
        // So a first blob warms the process up (its rate is printed as the cold figure), then the measured one.
        double coldSeconds;
        using (var warmup = new PatternStream(WarmupBytes))
        {
            (_, coldSeconds, _) = await TimedSubmitAsync(store, request, warmup).ConfigureAwait(false);
        }

        await Task.Delay(WarmupPause).ConfigureAwait(false);
        using var content = new PatternStream(megabytes << 20);
        var (result, elapsed, cpuSeconds) = await TimedSubmitAsync(store, request, content).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT bytes={result.Size} seconds={elapsed:F2} mb_per_second={result.Size / 1048576.0 / elapsed:F0} cpu_seconds={cpuSeconds:F2} cold_mb_per_second={(WarmupBytes >> 20) / coldSeconds:F0}"));
    }

    private static async Task<(SubmissionResult Result, double Seconds, double CpuSeconds)> TimedSubmitAsync(TransitStore store, SubmissionRequest request, Stream content)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        var result = await store.SubmitAsync(request, content).ConfigureAwait(false);
        return (result, watch.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
    }
}
