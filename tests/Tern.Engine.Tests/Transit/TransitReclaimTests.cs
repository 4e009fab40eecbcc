using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>Space reclamation (docs/ARCHITECTURE.md §3.3), measured as the size of the files on disk.</summary>
public sealed class TransitReclaimTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    private static string BlobsDirectory => Path.Combine("transit", "blobs");

    private static string JournalDirectory => Path.Combine("transit", "journal");

    [Fact]
    public async Task Fetching_and_retracting_the_head_of_a_bucket_frees_its_segments()
    {
        await using var store = await TransitStore.OpenAsync(WithoutGrace(), _time);
        var results = new List<SubmissionResult>();
        for (var i = 0; i < 40; i++)
        {
            results.Add(await store.SubmitAsync(Request(Start.AddDays(2)), Stream(Bytes(20_000, i), seekable: false)));
        }

        var full = _directory.SizeOfFiles(BlobsDirectory);
        Assert.True(full >= 40 * 20_000, $"blobs take {full} bytes");

        // Kill the first half (fetch or retract); the second half pins the rest.
        for (var i = 0; i < 20; i++)
        {
            if (i % 2 == 0)
            {
                await store.MarkFetchedAsync(results[i].Capabilities[0]);
            }
            else
            {
                await store.RetractAsync(results[i].MessageId, "alice");
            }
        }

        await store.SweepAsync(_time.GetUtcNow());
        var half = await SettledSizeAsync(BlobsDirectory, full * 0.65);
        Assert.True(half < full * 0.65, $"after freeing the first half: {half} of {full} bytes");

        // A dead blob behind a live one stays until the live one dies (head truncation only).
        await store.MarkFetchedAsync(results[39].Capabilities[0]);
        await store.SweepAsync(_time.GetUtcNow());
        Assert.True(_directory.SizeOfFiles(BlobsDirectory) >= half - (64 * 1024), "a blob behind live ones is not freed");

        for (var i = 20; i < 39; i++)
        {
            await store.MarkFetchedAsync(results[i].Capabilities[0]);
        }

        await store.SweepAsync(_time.GetUtcNow());
        var empty = await SettledSizeAsync(BlobsDirectory, full * 0.15);
        Assert.True(empty < full * 0.15, $"after freeing everything: {empty} of {full} bytes");

        // The live second half stayed readable until it died.
        Assert.Equal(TransitStore.NotFound, await store.ReadAsync(results[0].Capabilities[0], 0, new byte[1]));
    }

    [Fact]
    public async Task A_fetched_capability_serves_again_while_another_delivery_is_pending_and_not_once_the_blob_is_reclaimed_9()
    {
        // docs/PROTOCOL.md §9: serving until expiry is an upper bound; the bytes are kept while any delivery is pending
        // (and through the fetched grace, TransitFetchedGraceTests; none here).
        await using var store = await TransitStore.OpenAsync(WithoutGrace(), _time);
        var content = Bytes(50_000, 77);
        var result = await store.SubmitAsync(Request(Start.AddDays(2), "alice", "b.example", "c.example"), Stream(content, seekable: true));
        var (first, second) = (result.Capabilities[0], result.Capabilities[1]);

        Assert.True(await store.MarkFetchedAsync(first));
        await store.SweepAsync(_time.GetUtcNow());
        await store.CheckpointAsync();
        Assert.Equal(content, await ReadAllAsync(store, first, content.Length));

        Assert.True(await store.MarkFetchedAsync(second));
        await store.SweepAsync(_time.GetUtcNow());
        await store.CheckpointAsync();
        Assert.Null(await store.GetBlobAsync(first));
        Assert.Null(await store.GetBlobAsync(second));
        Assert.Equal(TransitStore.NotFound, await store.ReadAsync(first, 0, new byte[1]));
        Assert.True(_time.GetUtcNow() < Start.AddDays(2), "all this happens long before the transit expiry");
    }

    [Fact]
    public async Task Expired_buckets_are_deleted_and_the_journal_is_truncated_after_a_checkpoint()
    {
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            // Many small submissions fill several journal segments; bigger blobs fill a bucket expiring within the day.
            var tasks = new List<Task>();
            for (var worker = 0; worker < 16; worker++)
            {
                var w = worker;
                tasks.Add(Task.Run(async () =>
                {
                    for (var i = 0; i < 250; i++)
                    {
                        await store.SubmitAsync(Request(Start.AddHours(1), "alice", "a.example", "b.example", "c.example"), Stream(Bytes(i == 0 ? 50_000 : 10, (w * 1000) + i), seekable: true));
                    }
                }));
            }

            await Task.WhenAll(tasks);
            var blobsBefore = _directory.SizeOfFiles(BlobsDirectory);
            var journalBefore = _directory.SizeOfFiles(JournalDirectory);
            Assert.True(journalBefore > 1 << 20, $"journal is {journalBefore} bytes");

            _time.Advance(TimeSpan.FromDays(1));
            Assert.Equal(4000, await store.SweepAsync(_time.GetUtcNow()));
            Assert.Empty(Directory.GetDirectories(_directory.File(BlobsDirectory)));
            Assert.True(_directory.SizeOfFiles(BlobsDirectory) < blobsBefore / 10);

            // The sweep journaled the 12 000 expired deliveries (32 bytes each) before it dropped them: the checkpoint
            // covers those entries too, and everything before the segment holding the last of them goes.
            // Counted in segments: a DataSync journal's tail segment is filled with zeros ahead of its writes, so its
            // size says little about what the log holds.
            var journalSwept = JournalSegments();
            Assert.True(journalSwept >= 2, $"journal segments: {journalSwept}");
            await store.CheckpointAsync();
            await Eventually.TrueAsync(() => JournalSegments() < journalSwept);
            Assert.True(JournalSegments() < journalSwept, $"journal segments: {JournalSegments()} of {journalSwept}");
            Assert.Equal(12_000, store.GetAccountStats("alice").Expired);
        }

        // The truncated journal and the checkpoint still recover the same numbers.
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            Assert.Equal(12_000, store.GetAccountStats("alice").Expired);
            Assert.Equal(0, store.GetAccountStats("alice").LiveBytes);
        }
    }

    private int JournalSegments() => Directory.GetFiles(_directory.File(JournalDirectory), "journal.log.*").Length;

    /// <summary>The bytes of a blob whose last delivery was fetched are freed at the next sweep (no fetched grace).</summary>
    private TransitStoreOptions WithoutGrace()
    {
        var options = Options(_directory.Path);
        options.FetchedGrace = TimeSpan.Zero;
        return options;
    }

    /// <summary>FasterLog deletes freed segment files in the background shortly after the commit: the size once below <paramref name="below"/>, or after the wait.</summary>
    private async Task<long> SettledSizeAsync(string subdirectory, double below)
    {
        await Eventually.TrueAsync(() => _directory.SizeOfFiles(subdirectory) < below);
        return _directory.SizeOfFiles(subdirectory);
    }
}
