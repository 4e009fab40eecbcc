using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Tests.Protocol;
using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// The transit store's payload trees (docs/PROTOCOL.md §4.8): the submission's hash is the tree root of its bytes
/// whatever the store's chunk size, the leaves written beside the chunks give back the whole tree — one entry, or
/// several under a root entry — and survive a restart, and a one-chunk blob's leaf comes from its bytes.
/// </summary>
public sealed class TransitPayloadTreeTests : IDisposable
{
    private const int Leaf = PayloadTree.ChunkSize;
    private readonly TempDirectory _directory = new("transit");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(Leaf)]
    [InlineData(Leaf + 1)]
    [InlineData((5 * Leaf) + 17)]
    [InlineData((130 * Leaf) + 3)] // 131 leaves: more than one 4 KiB entry holds (128), so a root entry lists them
    public async Task Leaves_written_with_the_blob_give_back_its_tree_after_a_restart(int size)
    {
        var content = Bytes(size, size);
        FetchCapability capability;
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            var result = await store.SubmitAsync(Request(Start.AddDays(1)), Stream(content, seekable: false));
            Assert.Equal(Hash(content), result.PayloadHash);
            capability = result.Capabilities[0];
            Check(await store.GetPayloadTreeAsync(capability), content);
        }

        // Reopened: the index comes back from the checkpoint or the journal, the leaves from the bucket log.
        await using (var reopened = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            Check(await reopened.GetPayloadTreeAsync(capability), content);
            Assert.Null(await reopened.GetPayloadTreeAsync(FetchCapability.NewRandom()));
        }
    }

    private static void Check(PayloadTreeNodes? tree, byte[] content)
    {
        Assert.NotNull(tree);
        Assert.Equal(Hash(content), tree.PayloadHash);
        Assert.Equal(PayloadTree.ChunkCount(content.Length), tree.Count);
        for (var k = 0; k < tree.Count; k += 37)
        {
            var start = k * Leaf;
            Assert.Equal(SpecPayloadTree.Leaf(content.AsSpan(start, Math.Min(Leaf, content.Length - start))), tree.Leaf(k).ToArray());
        }
    }
}
