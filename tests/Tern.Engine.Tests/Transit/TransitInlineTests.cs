using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// Small blobs ride the journal (docs/ARCHITECTURE.md §3.2): a blob up to <see cref="TransitStoreOptions.JournalInlineMaxBytes"/>
/// is written inside its submission's journal record, its submit commits the journal alone, its bytes are held in memory
/// and read from there until they are settled in the bucket log (by the checkpoint, or past
/// <see cref="TransitStoreOptions.JournalInlineHeldBytes"/>), and a crash at any point gives them back.
/// </summary>
public sealed class TransitInlineTests : IDisposable
{
    private const int Small = 1000;
    private readonly TempDirectory _directory = new("transit-inline");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_small_blob_commits_the_journal_alone_and_a_larger_one_its_bucket_too(bool declared)
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var commits = store.CommitCount;
        var bucketCommits = store.BucketCommitCount;

        // Its size known by a declaration or a seekable stream.
        await store.SubmitAsync(Declared(Request(Start.AddDays(1)), declared ? Small : null), Stream(Bytes(Small, 1), seekable: !declared));
        Assert.Equal(commits + 1, store.CommitCount);
        Assert.Equal(bucketCommits, store.BucketCommitCount);
        Assert.Equal(Small, store.InlineHeldBytes);

        await store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(ChunkSize + 1, 2), seekable: true));
        Assert.Equal(commits + 2, store.CommitCount);
        Assert.Equal(bucketCommits + 1, store.BucketCommitCount);
        Assert.Equal(Small, store.InlineHeldBytes);
    }

    [Fact]
    public async Task A_small_blob_of_unknown_size_or_with_riding_turned_off_is_written_to_its_bucket()
    {
        var options = Options(_directory.Path);
        await using (var store = await TransitStore.OpenAsync(options, _time))
        {
            var bucketCommits = store.BucketCommitCount;
            await store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(Small, 1), seekable: false));
            Assert.Equal(bucketCommits + 1, store.BucketCommitCount);
            Assert.Equal(0, store.InlineHeldBytes);
        }

        options.JournalInlineMaxBytes = 0;
        await using (var store = await TransitStore.OpenAsync(options, _time))
        {
            var bucketCommits = store.BucketCommitCount;
            await store.SubmitAsync(Request(Start.AddDays(1)), Stream(Bytes(Small, 2), seekable: true));
            Assert.Equal(bucketCommits + 1, store.BucketCommitCount);
            Assert.Equal(0, store.InlineHeldBytes);
        }
    }

    [Fact]
    public async Task A_batch_of_small_blobs_commits_the_journal_alone()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var bucketCommits = store.BucketCommitCount;
        var contents = Enumerable.Range(0, 5).Select(i => Bytes(100 + i, i)).ToArray();

        var outcomes = await store.SubmitManyAsync(contents.Select(c => new SubmissionItem(Request(Start.AddDays(1)), c)).ToArray());

        Assert.Equal(bucketCommits, store.BucketCommitCount);
        Assert.Equal(contents.Sum(c => c.Length), store.InlineHeldBytes);
        for (var i = 0; i < contents.Length; i++)
        {
            Assert.Equal(contents[i], await ReadAllAsync(store, outcomes[i].Result!.Capabilities[0], contents[i].Length));
        }
    }

    [Fact]
    public async Task Content_of_another_length_than_declared_is_refused_and_holds_nothing()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var longer = Declared(Request(Start.AddDays(1)), Small);
        var shorter = Declared(Request(Start.AddDays(1)), Small);

        await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitAsync(longer, Stream(Bytes(Small + 1, 1), seekable: false)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SubmitAsync(shorter, Stream(Bytes(Small - 1, 1), seekable: false)));
        Assert.Equal(0, store.InlineHeldBytes);
        Assert.Equal(0, store.LiveBytes);
    }

    [Fact]
    public async Task An_inline_blob_reads_the_same_bytes_ranges_and_tree_before_and_after_settling()
    {
        var content = Bytes(3000, 3);
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var capability = (await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: true))).Capabilities[0];
        var bucketCommits = store.BucketCommitCount;

        var before = await ReadsAsync(store, capability, content);
        await store.SettleInlineAsync();
        Assert.Equal(0, store.InlineHeldBytes);
        Assert.Equal(bucketCommits + 1, store.BucketCommitCount);
        var after = await ReadsAsync(store, capability, content);

        Assert.Equal(before, after);
        Assert.Equal(content, after.Whole);
    }

    [Fact]
    public async Task An_inline_blob_survives_a_crash_before_any_checkpoint()
    {
        var content = Bytes(Small, 4);
        FetchCapability capability;
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            capability = (await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: true))).Capabilities[0];
            await store.CloseWithoutCheckpointAsync();
        }

        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            Assert.Equal(Small, store.InlineHeldBytes);
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
            Assert.Equal(Small, store.GetAccountStats("alice").LiveBytes);

            // Settled by the closing checkpoint, read from its bucket after the next open.
        }

        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            Assert.Equal(0, store.InlineHeldBytes);
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
        }
    }

    [Fact]
    public async Task A_blob_settled_then_crashed_before_the_checkpoint_comes_back_inline_and_settles_again()
    {
        var content = Bytes(2000, 5);
        FetchCapability capability;
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            capability = (await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: true))).Capabilities[0];
            await store.SettleInlineAsync();
            Assert.Equal(0, store.InlineHeldBytes);
            await store.CloseWithoutCheckpointAsync();
        }

        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            Assert.Equal(content.Length, store.InlineHeldBytes);
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
            await store.CheckpointAsync();
            Assert.Equal(0, store.InlineHeldBytes);
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
            await store.CloseWithoutCheckpointAsync();
        }

        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            Assert.Equal(0, store.InlineHeldBytes);
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
        }
    }

    [Fact]
    public async Task Blobs_checkpointed_then_crashed_come_back_from_their_bucket_and_the_journal()
    {
        var first = Bytes(Small, 6);
        var second = Bytes(Small + 1, 7);
        FetchCapability a, b;
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            a = (await store.SubmitAsync(Request(Start.AddDays(1)), Stream(first, seekable: true))).Capabilities[0];
            await store.CheckpointAsync();
            b = (await store.SubmitAsync(Request(Start.AddDays(1)), Stream(second, seekable: true))).Capabilities[0];
            await store.CloseWithoutCheckpointAsync();
        }

        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            // The first was settled before the checkpoint truncated its record away; the second rides its record still.
            Assert.Equal(second.Length, store.InlineHeldBytes);
            Assert.Equal(first, await ReadAllAsync(store, a, first.Length));
            Assert.Equal(second, await ReadAllAsync(store, b, second.Length));
            Assert.Equal(first.Length + second.Length, store.GetAccountStats("alice").LiveBytes);
        }
    }

    [Fact]
    public async Task Retracting_or_expiring_an_inline_blob_lets_its_bytes_go_and_a_crash_keeps_them_gone()
    {
        var options = Options(_directory.Path);
        options.FetchedGrace = TimeSpan.Zero;
        var retracted = Bytes(Small, 8);
        var expiring = Bytes(Small, 9);
        var kept = Bytes(Small, 10);
        FetchCapability r, e, k;
        await using (var store = await TransitStore.OpenAsync(options, _time))
        {
            var result = await store.SubmitAsync(Request(Start.AddDays(1)), Stream(retracted, seekable: true));
            r = result.Capabilities[0];
            e = (await store.SubmitAsync(Request(Start.AddHours(1)), Stream(expiring, seekable: true))).Capabilities[0];
            k = (await store.SubmitAsync(Request(Start.AddDays(2)), Stream(kept, seekable: true))).Capabilities[0];
            Assert.Equal(3 * Small, store.InlineHeldBytes);

            Assert.Single((await store.RetractAsync(result.MessageId, "alice")).Retracted);
            Assert.Equal(2 * Small, store.InlineHeldBytes);
            Assert.Equal(TransitStore.NotFound, await store.ReadAsync(r, 0, new byte[10]));

            _time.Advance(TimeSpan.FromHours(2));
            Assert.Equal(1, await store.SweepAsync(_time.GetUtcNow()));
            Assert.Equal(Small, store.InlineHeldBytes);
            Assert.Equal(TransitStore.NotFound, await store.ReadAsync(e, 0, new byte[10]));
            Assert.Equal(Small, store.GetAccountStats("alice").LiveBytes);
            await store.CloseWithoutCheckpointAsync();
        }

        await using (var store = await TransitStore.OpenAsync(options, _time))
        {
            Assert.Equal(Small, store.InlineHeldBytes);
            Assert.Equal(TransitStore.NotFound, await store.ReadAsync(r, 0, new byte[10]));
            Assert.Equal(TransitStore.NotFound, await store.ReadAsync(e, 0, new byte[10]));
            Assert.Equal(DeliveryState.Retracted, store.GetDelivery(r)!.Value.State);
            Assert.Equal(kept, await ReadAllAsync(store, k, kept.Length));
            Assert.Equal(Small, store.GetAccountStats("alice").LiveBytes);
        }
    }

    [Fact]
    public async Task A_fetched_inline_blob_serves_through_its_grace_across_a_crash_and_not_after()
    {
        var content = Bytes(Small, 11);
        FetchCapability capability;
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            capability = (await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: true))).Capabilities[0];
            Assert.True(await store.MarkFetchedAsync(capability));
            await store.SweepAsync(_time.GetUtcNow());
            Assert.Equal(Small, store.InlineHeldBytes);
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
            await store.CloseWithoutCheckpointAsync();
        }

        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
            _time.Advance(TimeSpan.FromMinutes(11));
            await store.SweepAsync(_time.GetUtcNow());
            Assert.Equal(0, store.InlineHeldBytes);
            Assert.Equal(TransitStore.NotFound, await store.ReadAsync(capability, 0, new byte[1]));
        }
    }

    [Fact]
    public async Task Holding_more_than_the_bound_settles_in_the_background()
    {
        var options = Options(_directory.Path);
        options.JournalInlineHeldBytes = 3 * Small;
        await using var store = await TransitStore.OpenAsync(options, _time);
        var contents = new List<(byte[] Content, FetchCapability Capability)>();
        for (var i = 0; i < 3; i++)
        {
            var content = Bytes(Small, 20 + i);
            contents.Add((content, (await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: true))).Capabilities[0]));
        }

        // At the bound, not past it: nothing settled.
        Assert.True(store.InlineSettling.IsCompleted);
        Assert.Equal(3 * Small, store.InlineHeldBytes);
        var bucketCommits = store.BucketCommitCount;

        var last = Bytes(Small, 23);
        contents.Add((last, (await store.SubmitAsync(Request(Start.AddDays(1)), Stream(last, seekable: true))).Capabilities[0]));
        await store.InlineSettling;

        Assert.Equal(0, store.InlineHeldBytes);
        Assert.Equal(bucketCommits + 1, store.BucketCommitCount);
        foreach (var (content, capability) in contents)
        {
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
        }
    }

    [Fact]
    public async Task The_knobs_out_of_range_are_refused_naming_the_option()
    {
        var options = Options(_directory.Path);
        options.JournalInlineMaxBytes = ChunkSize + 1;
        var tooLarge = await Assert.ThrowsAsync<ArgumentException>(() => TransitStore.OpenAsync(options, _time));
        Assert.Contains(nameof(TransitStoreOptions.JournalInlineMaxBytes), tooLarge.Message, StringComparison.Ordinal);

        options = Options(_directory.Path);
        options.JournalInlineHeldBytes = -1;
        var negative = await Assert.ThrowsAsync<ArgumentException>(() => TransitStore.OpenAsync(options, _time));
        Assert.Contains(nameof(TransitStoreOptions.JournalInlineHeldBytes), negative.Message, StringComparison.Ordinal);
    }

    private static SubmissionRequest Declared(SubmissionRequest request, long? size) => new()
    {
        Account = request.Account,
        Recipients = request.Recipients,
        TransitExpiry = request.TransitExpiry,
        MimeHint = request.MimeHint,
        DeclaredSize = size,
    };

    /// <summary>The whole blob, a few ranges across it and its payload tree's hash, as a reader sees them.</summary>
    private static async Task<BlobReads> ReadsAsync(TransitStore store, FetchCapability capability, byte[] content)
    {
        var whole = await ReadAllAsync(store, capability, content.Length, piece: 700);
        var middle = new byte[1000];
        var n = await store.ReadAsync(capability, 1000, middle);
        var tail = new byte[100];
        var t = await store.ReadAsync(capability, content.Length - 10, tail);
        var tree = await store.GetPayloadTreeAsync(capability);
        return new BlobReads(whole!, middle.AsSpan(0, n).ToArray(), tail.AsSpan(0, t).ToArray(), tree!.PayloadHash);
    }

    private sealed record BlobReads(byte[] Whole, byte[] Middle, byte[] Tail, Bytes32 TreeHash)
    {
        public bool Equals(BlobReads? other) => other is not null && Whole.AsSpan().SequenceEqual(other.Whole) && Middle.AsSpan().SequenceEqual(other.Middle) && Tail.AsSpan().SequenceEqual(other.Tail) && TreeHash == other.TreeHash;

        public override int GetHashCode() => TreeHash.GetHashCode();
    }
}
