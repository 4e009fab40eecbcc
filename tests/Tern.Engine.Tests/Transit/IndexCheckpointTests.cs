using FsCheck.Fluent;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// The index checkpoint's reader on a real store's checkpoint and on random, mutated and one-byte-changed copies of it: it
/// loads or refuses with an <see cref="InvalidDataException"/> naming the file, nothing else, and allocates nothing a
/// length in the file asks for before checking it against what is left.
/// </summary>
public sealed class IndexCheckpointTests : IDisposable
{
    private const string Path = "/data/index/index.ckpt";

    private readonly TempDirectory _directory = new("transit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Random_mutated_and_substituted_checkpoints_load_or_are_refused_naming_the_file()
    {
        var (valid, _) = await CheckpointOfAsync(2);
        var loaded = Load(valid);
        Assert.Equal(2, loaded.Count);

        var refused = 0;
        void Check(byte[] bytes)
        {
            try
            {
                Load(bytes);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(Path, e.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        // The node's own file, not outside input: at each byte the values that move lengths, counts and signs to their
        // edges rather than all 255, which would take half a minute of exceptions.
        Substitutions.EachByte(valid, Check, [0x00, 0x01, 0x02, 0x05, 0x7F, 0x80, 0x81, 0xFE, 0xFF]);
        Hostile.Check(Gen.OneOf(Hostile.Bytes(100), Hostile.Mutations(valid)), Check, count: 3_000);
        Assert.True(refused > 0);
    }

    [Fact]
    public async Task A_record_length_past_the_end_is_refused_before_it_is_allocated()
    {
        var (bytes, id) = await CheckpointOfAsync(1);

        // The record is its length (4 bytes), its type (1), its time (8), then the message ID.
        var at = bytes.AsSpan().IndexOf(id.Value.ToArray()) - 13;
        Assert.Equal(JournalCodec.SubmissionType, bytes[at + 4]);
        BitConverter.TryWriteBytes(bytes.AsSpan(at), int.MaxValue);

        var error = Assert.Throws<InvalidDataException>(() => Load(bytes));
        Assert.Contains("claims", error.Message, StringComparison.Ordinal);
    }

    private static List<BlobEntry> Load(byte[] bytes)
    {
        var blobs = new List<BlobEntry>();
        using var stream = new MemoryStream(bytes, writable: false);
        IndexCheckpoint.Read(stream, Path, new TransitLedger(), blobs, out _);
        return blobs;
    }

    /// <summary>The checkpoint a store with <paramref name="blobs"/> one-recipient blobs writes when it closes.</summary>
    private async Task<(byte[] Checkpoint, MessageId LastId)> CheckpointOfAsync(int blobs)
    {
        MessageId id = default;
        var store = await TransitStore.OpenAsync(TransitTestStores.Options(_directory.Path));
        await using (store)
        {
            for (var i = 0; i < blobs; i++)
            {
                id = (await store.SubmitAsync(TransitTestStores.Request(DateTimeOffset.UtcNow.AddDays(1), "alice", "b.example"), new MemoryStream(TransitTestStores.Bytes(100, i)))).MessageId;
            }
        }

        return (File.ReadAllBytes(Directory.GetFiles(_directory.Path, "index.ckpt", SearchOption.AllDirectories).Single()), id);
    }
}
