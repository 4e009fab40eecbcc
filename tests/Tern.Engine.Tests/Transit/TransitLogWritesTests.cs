using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// Both ways a transit log can write (<see cref="TransitLogWrites"/>) keep the same files and recover the same blobs:
/// segment files named <c>blobs.log.&lt;n&gt;</c>, a blob across several segments read back whole after a close without
/// checkpoint, and a store written one way reopened the other way.
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
