using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// Both ways a transit log can write (<see cref="TransitLogWrites"/>) keep the same files and recover the same blobs:
/// segment files named <c>blobs.log.&lt;n&gt;</c>, a blob across several segments read back whole after a close without
/// checkpoint, and a store written one way reopened the other way. A log keeps the format it was created with
/// (<see cref="TransitLogFormat"/>): a store from before <see cref="TransitLogWrites.DataSync"/> opens and serves under
/// it, and only its new logs take it.
/// </summary>
public sealed class TransitLogWritesTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(TransitLogWrites.Direct, TransitLogWrites.PageCache, true)]
    [InlineData(TransitLogWrites.Direct, TransitLogWrites.Direct, false)]
    [InlineData(TransitLogWrites.PageCache, TransitLogWrites.PageCache, false)]
    [InlineData(TransitLogWrites.PageCache, TransitLogWrites.PageCache, true)]
    [InlineData(TransitLogWrites.WriteThrough, TransitLogWrites.WriteThrough, false)]
    [InlineData(TransitLogWrites.PageCache, TransitLogWrites.WriteThrough, false)]
    [InlineData(TransitLogWrites.WriteThrough, TransitLogWrites.PageCache, false)]
    [InlineData(TransitLogWrites.PageCache, TransitLogWrites.Direct, false)]
    [InlineData(TransitLogWrites.DataSync, TransitLogWrites.DataSync, false)]
    [InlineData(TransitLogWrites.DataSync, TransitLogWrites.PageCache, false)]
    [InlineData(TransitLogWrites.Direct, TransitLogWrites.DataSync, true)]
    public async Task A_blob_across_segments_survives_a_close_without_checkpoint_and_a_change_of_writes(TransitLogWrites blobs, TransitLogWrites journal, bool writeback)
    {
        // Small options: 64 KiB segments, so this blob spans five of them.
        var content = Bytes((ChunkSize * 75) + 99, 75);
        var small = Bytes(700, 7);
        SubmissionResult large;
        SubmissionResult tiny;
        var store = await TransitStore.OpenAsync(With(blobs, journal, writeback), _time);
        try
        {
            large = await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: false));
            tiny = await store.SubmitAsync(Request(Start.AddDays(1)), Stream(small, seekable: true));
        }
        finally
        {
            await store.CloseWithoutCheckpointAsync();
        }

        var bucket = Assert.Single(Directory.GetDirectories(Path.Combine(_directory.Path, "transit", "blobs")));
        var segments = Directory.GetFiles(bucket, "blobs.log.*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count >= 5, $"segments: {string.Join(' ', segments)}");
        Assert.Contains("blobs.log.0", segments);

        // Reopened with the journal and the blobs written the other way: the files are the same.
        var other = With(Flip(blobs), Flip(journal), writeback: false);
        await using var reopened = await TransitStore.OpenAsync(other, _time);
        Assert.Equal(content, await ReadAllAsync(reopened, large.Capabilities[0], content.Length, piece: 10_000));
        Assert.Equal(small, await ReadAllAsync(reopened, tiny.Capabilities[0], small.Length));

        var more = Bytes(ChunkSize * 3, 3);
        var third = await reopened.SubmitAsync(Request(Start.AddDays(1)), Stream(more, seekable: true));
        Assert.Equal(more, await ReadAllAsync(reopened, third.Capabilities[0], more.Length));
    }

    [Theory]
    [InlineData(TransitLogWrites.PageCache)]
    [InlineData(TransitLogWrites.Direct)]
    public async Task A_store_from_before_DataSync_opens_in_its_format_and_only_a_new_bucket_takes_DataSync(TransitLogWrites before)
    {
        var old = Bytes((ChunkSize * 20) + 5, 20);
        SubmissionResult oldResult;
        var store = await TransitStore.OpenAsync(With(before, before, writeback: true), _time);
        try
        {
            oldResult = await store.SubmitAsync(Request(Start.AddDays(1)), Stream(old, seekable: true));
        }
        finally
        {
            await store.CloseWithoutCheckpointAsync();
        }

        // The store as it was before the format was recorded: no marker anywhere.
        var transit = Path.Combine(_directory.Path, "transit");
        foreach (var marker in Directory.GetFiles(transit, TransitLogFormat.FileName, SearchOption.AllDirectories))
        {
            File.Delete(marker);
        }

        var oldBucket = Assert.Single(Directory.GetDirectories(Path.Combine(transit, "blobs")));
        var upgraded = With(TransitLogWrites.DataSync, TransitLogWrites.DataSync, writeback: true);
        var fresh = Bytes((ChunkSize * 3) + 9, 3);
        SubmissionResult freshResult;
        SubmissionResult intoOld;
        await using (var reopened = await TransitStore.OpenAsync(upgraded, _time))
        {
            Assert.Equal(old, await ReadAllAsync(reopened, oldResult.Capabilities[0], old.Length));
            intoOld = await reopened.SubmitAsync(Request(Start.AddDays(1)), Stream(fresh, seekable: true));
            freshResult = await reopened.SubmitAsync(Request(Start.AddDays(3)), Stream(fresh, seekable: true));
        }

        var newBucket = Assert.Single(Directory.GetDirectories(Path.Combine(transit, "blobs")), d => d != oldBucket);
        Assert.Equal("fast-commit", File.ReadAllText(Path.Combine(newBucket, TransitLogFormat.FileName)).Trim());
        Assert.False(File.Exists(Path.Combine(oldBucket, TransitLogFormat.FileName)));
        Assert.False(File.Exists(Path.Combine(transit, "journal", TransitLogFormat.FileName)));

        // Either configuration reads all of it: each log opens in its own format.
        foreach (var writes in new[] { TransitLogWrites.DataSync, before })
        {
            await using var again = await TransitStore.OpenAsync(With(writes, writes, writeback: false), _time);
            Assert.Equal(old, await ReadAllAsync(again, oldResult.Capabilities[0], old.Length));
            Assert.Equal(fresh, await ReadAllAsync(again, intoOld.Capabilities[0], fresh.Length));
            Assert.Equal(fresh, await ReadAllAsync(again, freshResult.Capabilities[0], fresh.Length));
        }
    }

    [Fact]
    public void A_new_log_records_its_format_and_an_unknown_one_is_refused_by_name()
    {
        var logPath = Path.Combine(_directory.Path, "log", "journal.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var commits = Path.Combine(_directory.Path, "log", "commits");
        Assert.Equal(TransitLogWrites.Direct, TransitLogFormat.Resolve(logPath, commits, TransitLogWrites.Direct, TransitLogWrites.PageCache));
        var marker = Path.Combine(_directory.Path, "log", TransitLogFormat.FileName);
        Assert.Equal("plain", File.ReadAllText(marker).Trim());

        // A plain log stays plain when DataSync is configured: it opens with the writes given for plain logs.
        Assert.Equal(TransitLogWrites.PageCache, TransitLogFormat.Resolve(logPath, commits, TransitLogWrites.DataSync, TransitLogWrites.PageCache));

        File.WriteAllText(marker, "columnar\n");
        var error = Assert.Throws<IOException>(() => TransitLogFormat.Resolve(logPath, commits, TransitLogWrites.DataSync, TransitLogWrites.PageCache));
        Assert.Contains("columnar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_in_a_directory_not_yet_made_is_new_and_its_directory_is_made()
    {
        // The FasterLog ceiling of the transit bench opens a log in a directory no store made first.
        var directory = Path.Combine(_directory.Path, "raw");
        var logPath = Path.Combine(directory, "raw.log");
        Assert.Equal(TransitLogWrites.DataSync, TransitLogFormat.Resolve(logPath, Path.Combine(directory, "commits"), TransitLogWrites.DataSync, TransitLogWrites.PageCache));
        Assert.Equal("fast-commit", File.ReadAllText(Path.Combine(directory, TransitLogFormat.FileName)).Trim());
    }

    [Fact]
    public void An_undefined_log_writes_value_is_refused_with_its_name()
    {
        var options = Options(_directory.Path);
        options.BlobLogWrites = (TransitLogWrites)7;
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(nameof(TransitStoreOptions.BlobLogWrites), error.Message, StringComparison.Ordinal);
    }

    // Every way to every other across the rows: a log written with 512-byte sectors is reopened with 4 KiB direct ones and back.
    private static TransitLogWrites Flip(TransitLogWrites writes) => writes switch
    {
        TransitLogWrites.PageCache => TransitLogWrites.Direct,
        TransitLogWrites.Direct => TransitLogWrites.WriteThrough,
        TransitLogWrites.WriteThrough => TransitLogWrites.DataSync,
        _ => TransitLogWrites.PageCache,
    };

    private TransitStoreOptions With(TransitLogWrites blobs, TransitLogWrites journal, bool writeback)
    {
        var options = Options(_directory.Path);
        options.BlobLogWrites = blobs;
        options.JournalLogWrites = journal;
        options.BlobLogWriteback = writeback;
        return options;
    }
}
