using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// <see cref="TransitStore.SubmitManyAsync"/> (docs/ARCHITECTURE.md §3.2, "Submitting many"): blobs held in memory stored
/// with one commit, each refused on its own as <see cref="TransitStore.SubmitAsync"/> refuses it, and replayed from the
/// journal after a crash like any submission.
/// </summary>
public sealed class TransitSubmitManyTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Small_blobs_are_stored_in_one_commit_and_read_back_byte_for_byte_with_their_hashes()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        int[] sizes = [1, 1024, 0, ChunkSize, 77, ChunkSize - 1, 3000, 500];
        var contents = sizes.Select((size, i) => Bytes(size, i)).ToArray();
        var items = contents.Select((c, i) => new SubmissionItem(Request(Start.AddDays(1 + (i % 3)), "alice", "example.org", "b.example"), c)).ToArray();
        var commits = store.CommitCount;

        var outcomes = await store.SubmitManyAsync(items);

        Assert.Equal(commits + 1, store.CommitCount);
        Assert.Equal(items.Length, outcomes.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var result = outcomes[i].Result;
            Assert.True(result is not null, $"item {i}: {outcomes[i].Error}");
            Assert.Equal(sizes[i], result.Size);
            Assert.Equal(Hash(contents[i]), result.PayloadHash);
            Assert.Equal(2, result.Capabilities.Count);
            var info = await store.GetBlobAsync(result.Capabilities[1]);
            Assert.Equal(new BlobInfo(result.MessageId, sizes[i], Hash(contents[i]), items[i].Request.TransitExpiry, "message/tern", DeliveryState.Outstanding), info);
            Assert.Equal(contents[i], await ReadAllAsync(store, result.Capabilities[0], sizes[i]));
        }

        Assert.Equal(sizes.Sum(), store.GetAccountStats("alice").LiveBytes);
        Assert.Equal(items.Length, outcomes.Select(o => o.Result!.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Blobs_larger_than_a_chunk_are_stored_beside_the_small_ones_in_the_same_call()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        byte[][] contents = [Bytes(100, 1), Bytes((ChunkSize * 3) + 5, 2), Bytes(ChunkSize + 1, 3), Bytes(2000, 4)];
        var outcomes = await store.SubmitManyAsync(contents.Select(c => new SubmissionItem(Request(Start.AddDays(1)), c)).ToArray());

        for (var i = 0; i < contents.Length; i++)
        {
            var result = outcomes[i].Result!;
            Assert.Equal(Hash(contents[i]), result.PayloadHash);
            Assert.Equal(contents[i], await ReadAllAsync(store, result.Capabilities[0], contents[i].Length));
        }
    }

    [Fact]
    public async Task Each_refused_blob_is_refused_alone_and_holds_nothing_while_the_others_are_stored()
    {
        var options = Options(_directory.Path);
        options.AccountLiveBytesLimit = 10_000;
        await using var store = await TransitStore.OpenAsync(options, _time);
        var reserved = MessageId.NewRandom();
        SubmissionItem[] items =
        [
            new(Request(Start.AddDays(1)), Bytes(4000, 1)),
            new(Request(Start.AddDays(-1)), Bytes(10, 2)),                                    // expiry in the past
            new(Request(Start.AddDays(1), account: ""), Bytes(10, 3)),                        // no account
            new(Request(Start.AddDays(1)), Bytes(4000, 4)),
            new(Request(Start.AddDays(1)), Bytes(4000, 5)),                                   // over the account's limit
            new(new SubmissionRequest { Account = "alice", Recipients = Recipients("example.org"), TransitExpiry = Start.AddDays(1), DeclaredSize = 11 }, Bytes(10, 6)),
            new(new SubmissionRequest { Account = "alice", Recipients = Recipients("example.org"), TransitExpiry = Start.AddDays(1), MessageId = reserved }, Bytes(10, 7)),
            new(new SubmissionRequest { Account = "alice", Recipients = Recipients("example.org"), TransitExpiry = Start.AddDays(1), MessageId = reserved }, Bytes(10, 8)),
        ];

        var outcomes = await store.SubmitManyAsync(items);

        Assert.NotNull(outcomes[0].Result);
        Assert.IsType<ArgumentException>(outcomes[1].Error);
        Assert.IsType<ArgumentException>(outcomes[2].Error);
        Assert.NotNull(outcomes[3].Result);
        var quota = Assert.IsType<TransitQuotaException>(outcomes[4].Error);
        Assert.Equal(nameof(TransitStoreOptions.AccountLiveBytesLimit), quota.Limit);
        Assert.Contains("DeclaredSize", Assert.IsType<ArgumentException>(outcomes[5].Error).Message, StringComparison.Ordinal);
        Assert.Equal(reserved, outcomes[6].Result!.MessageId);
        Assert.Contains("used once", Assert.IsType<ArgumentException>(outcomes[7].Error).Message, StringComparison.Ordinal);
        Assert.All(outcomes, o => Assert.True((o.Result is null) != (o.Error is null)));
        Assert.Equal(8010, store.GetAccountStats("alice").LiveBytes);

        // The refusals hold no reservation: what is left under the limit can still be stored, and not a byte more.
        var rest = await store.SubmitManyAsync([new(Request(Start.AddDays(1)), Bytes(1990, 9)), new(Request(Start.AddDays(1)), Bytes(1, 10))]);
        Assert.NotNull(rest[0].Result);
        Assert.IsType<TransitQuotaException>(rest[1].Error);
    }

    [Fact]
    public async Task A_batch_acknowledged_is_replayed_from_the_journal_after_a_close_without_checkpoint()
    {
        var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        await store.CheckpointAsync();
        var contents = Enumerable.Range(0, 40).Select(i => Bytes(i * 97 % (ChunkSize + 1), 1000 + i)).ToArray();
        var outcomes = await store.SubmitManyAsync(contents.Select(c => new SubmissionItem(Request(Start.AddDays(1), "acct", "a.example", "b.example"), c)).ToArray());
        var stats = store.GetAccountStats("acct");
        await store.CloseWithoutCheckpointAsync();

        await using var reopened = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        Assert.Equal(stats, reopened.GetAccountStats("acct"));
        for (var i = 0; i < contents.Length; i++)
        {
            var result = outcomes[i].Result!;
            foreach (var capability in result.Capabilities)
            {
                Assert.Equal(DeliveryState.Outstanding, reopened.GetDelivery(capability)!.Value.State);
                Assert.Equal(contents[i], await ReadAllAsync(reopened, capability, contents[i].Length));
            }
        }
    }

    [Fact]
    public async Task Each_blob_of_a_batch_gets_its_own_id_and_capabilities_and_a_reserved_id_is_kept()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var reserved = MessageId.NewRandom();
        var items = Enumerable.Range(0, 24).Select(i => new SubmissionItem(
            i == 7
                ? new SubmissionRequest { Account = "alice", Recipients = Recipients("a.example", "b.example", "c.example"), TransitExpiry = Start.AddDays(1), MessageId = reserved }
                : Request(Start.AddDays(1), "alice", Enumerable.Range(0, 1 + (i % 4)).Select(r => $"r{r}.example").ToArray()),
            Bytes(100, i))).ToArray();

        var results = (await store.SubmitManyAsync(items)).Select(o => o.Result!).ToArray();

        // The batch's ids and capabilities are drawn in one call and sliced per blob: no two share a value, none is empty.
        Assert.Equal(reserved, results[7].MessageId);
        Assert.Equal(results.Length, results.Select(r => r.MessageId).Distinct().Count());
        var capabilities = results.SelectMany(r => r.Capabilities).ToList();
        Assert.Equal(items.Sum(i => i.Request.Recipients.Count), capabilities.Count);
        Assert.Equal(capabilities.Count, capabilities.Distinct().Count());
        Assert.DoesNotContain(capabilities, c => c.Value.IsZero);
        Assert.DoesNotContain(results, r => r.MessageId.Value.IsZero);
        Assert.All(capabilities, c => Assert.NotNull(store.GetDelivery(c)));
    }
}
