using System.Diagnostics;
using System.Globalization;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Load;

/// <summary>Transit store load: durable small submissions with many concurrent submitters, and one large blob.</summary>
internal static class TransitLoad
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    public static async Task SubmitAsync(string directory, int seconds, int concurrency, int size, LogWrites blobs, LogWrites journal)
    {
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
                while (!Volatile.Read(ref stop))
                {
                    var request = new SubmissionRequest
                    {
                        Account = "load",
                        Recipients = recipients,
                        TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
                    };
                    using var stream = new MemoryStream(content, writable: false);
                    await store.SubmitAsync(request, stream).ConfigureAwait(false);
                    if (Volatile.Read(ref measuring))
                    {
                        Interlocked.Increment(ref acked);
                    }
                }
            });
        }

        await Task.Delay(Warmup).ConfigureAwait(false);
        var commitsBefore = store.CommitCount;
        Volatile.Write(ref measuring, true);
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        Volatile.Write(ref measuring, false);
        var elapsed = watch.Elapsed.TotalSeconds;
        var count = Interlocked.Read(ref acked);
        var commits = store.CommitCount - commitsBefore;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT submits={count} seconds={elapsed:F2} per_second={count / elapsed:F0} commits={commits} per_commit={(commits == 0 ? 0 : (double)count / commits):F1}"));
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

        var length = megabytes << 20;
        using var content = new PatternStream(length);
        var cpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        var result = await store.SubmitAsync(request, content).ConfigureAwait(false);
        var elapsed = watch.Elapsed.TotalSeconds;
        var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT bytes={result.Size} seconds={elapsed:F2} mb_per_second={result.Size / 1048576.0 / elapsed:F0} cpu_seconds={cpuSeconds:F2}"));
    }
}
