using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// A blob up to <see cref="MessageStoreOptions.InlineMaxBytes"/> rides whole in its commit record, so it is fetched in
/// memory: no partial file is opened or written, the record is built from those bytes, reads answer from them until
/// the checkpoint's naming writes the <c>.blob</c>; a larger blob keeps its partial file (docs/ARCHITECTURE.md §5.2 steps 4 and 7).
/// </summary>
public sealed class MessageStoreInMemoryFetchTests : IDisposable
{
    private readonly TempDirectory _directory = new("messages-in-memory");
    private readonly RecipientHash _hash = RecipientHash.NewRandom();
    private readonly FetchCapability _capability = FetchCapability.NewRandom();

    public void Dispose() => _directory.Dispose();

    private string PathOf(string extension) => Path.Combine(_directory.Path, "messages", _hash.ToString(), _capability + extension);

    [Theory]
    [InlineData(1024, true)]
    [InlineData(8 * 1024, true)]
    [InlineData((8 * 1024) + 1, false)]
    [InlineData(100_000, false)]
    public async Task A_blob_up_to_the_inline_bound_leaves_no_partial_file_at_any_point_and_is_read_before_and_after_its_naming(int size, bool inMemory)
    {
        using var store = new MessageStore(Quiet());
        var payload = Payload(size);
        await using (var file = store.OpenPartial(_hash, _capability, new PayloadVerifier(size, PayloadTree.Hash(payload))))
        {
            Assert.Equal(inMemory, file.InMemory);
            await file.WriteAsync(payload.AsMemory(0, size / 2));
            Assert.Equal(!inMemory, File.Exists(PathOf(".partial")));
            await file.WriteAsync(payload.AsMemory(size / 2));
            Assert.True(file.TryComplete());
        }

        Assert.Equal(!inMemory, File.Exists(PathOf(".partial")));

        // Committed, told, not named yet (the checkpoint names it).
        await store.CommitAsync(_hash, _capability, "a.example", size, PayloadTree.Hash(payload), "text/plain");
        using (var read = store.OpenRead(_hash, _capability))
        {
            var bytes = new byte[size];
            read.ReadExactly(bytes);
            Assert.Equal(payload, bytes);
            Assert.Equal(!inMemory, read is FileStream);
        }

        Assert.Equal(!inMemory, File.Exists(PathOf(".partial")));
        Assert.False(File.Exists(PathOf(".blob")));
        var record = MessageCommitLog.Replay(Path.Combine(_directory.Path, "messages")).Single();
        Assert.Equal(size <= 8 * 1024 ? size : 0, record.Inline.Length);
        await store.CheckpointAsync();

        // Named: the .blob holds the bytes, and nothing is left in memory.
        Assert.False(File.Exists(PathOf(".partial")));
        Assert.Equal(payload, await File.ReadAllBytesAsync(PathOf(".blob")));
        Assert.True(File.Exists(PathOf(".meta")));
        using (var read = store.OpenRead(_hash, _capability))
        {
            Assert.IsType<FileStream>(read);
        }

        Assert.Equal(0, store.FetchedInMemory);
    }

    [Fact]
    public async Task A_small_fetch_kept_whole_is_resumed_by_the_next_open_in_this_process_and_a_discard_drops_it()
    {
        using var store = new MessageStore(Quiet());
        var payload = Payload(3000);
        await using (var file = store.OpenPartial(_hash, _capability, Verifier(payload)))
        {
            await file.WriteAsync(payload);
            Assert.True(file.TryComplete());
        }

        // A commit that did not come (it failed, the pull was cut): the next pull of the blob finds it whole.
        Assert.Equal(1, store.FetchedInMemory);
        await using (var again = store.OpenPartial(_hash, _capability, Verifier(payload)))
        {
            Assert.True(again.InMemory);
            Assert.Equal(3000, again.Length);
            Assert.False(again.HasUnverifiedKept);
            Assert.True(again.TryComplete());
        }

        store.DiscardPartial(_hash, _capability);
        Assert.Equal(0, store.FetchedInMemory);
        await using (var fresh = store.OpenPartial(_hash, _capability, Verifier(payload)))
        {
            Assert.Equal(0, fresh.Length);
            Assert.False(fresh.TryComplete());
        }

        // What an unfinished, unchecked fetch leaves is nothing, as its unfinished chunk in a file's stream.
        Assert.Equal(0, store.FetchedInMemory);
        await Assert.ThrowsAnyAsync<IOException>(() => store.CommitAsync(_hash, _capability, "a.example", payload.Length, PayloadTree.Hash(payload), ""));
    }

    [Fact]
    public async Task A_small_blob_that_an_earlier_process_left_in_a_partial_file_is_resumed_from_the_file()
    {
        var payload = Payload(4000);
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(".partial"))!);
        await File.WriteAllBytesAsync(PathOf(".partial"), payload);
        using var store = new MessageStore(Quiet());
        await using (var resumed = store.OpenPartial(_hash, _capability, Verifier(payload)))
        {
            Assert.False(resumed.InMemory);
            Assert.Equal(payload.Length, await resumed.VerifyKeptAsync(CancellationToken.None));
            Assert.True(resumed.TryComplete());
        }

        await store.CommitAsync(_hash, _capability, "a.example", payload.Length, PayloadTree.Hash(payload), "");
        Assert.Equal(payload.Length, MessageCommitLog.Replay(Path.Combine(_directory.Path, "messages")).Single().Inline.Length);
        await store.CheckpointAsync();
        Assert.False(File.Exists(PathOf(".partial")));
        Assert.Equal(payload, await File.ReadAllBytesAsync(PathOf(".blob")));
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(100_000)]
    public async Task A_checkpoint_while_a_message_is_unnamed_writes_its_blob_whole_before_it_drops_the_record(int size)
    {
        using var store = new MessageStore(Quiet());
        var payload = Payload(size);
        await using (var file = store.OpenPartial(_hash, _capability, Verifier(payload)))
        {
            await file.WriteAsync(payload);
        }

        await store.CommitAsync(_hash, _capability, "a.example", size, PayloadTree.Hash(payload), "");
        Assert.False(File.Exists(PathOf(".blob")));
        Assert.Equal(1, CountRecords());

        await store.CheckpointAsync();
        Assert.Equal(0, CountRecords());
        Assert.Equal(payload, await File.ReadAllBytesAsync(PathOf(".blob")));

        // Only the files hold it now: a restart finds it there.
        using var restarted = new MessageStore(Quiet());
        Assert.Single(restarted.List(_hash));
        Assert.Equal(payload, await File.ReadAllBytesAsync(PathOf(".blob")));
    }

    [Fact]
    public async Task A_torn_blob_a_crash_left_while_the_naming_wrote_it_from_memory_is_written_again_from_the_record()
    {
        var store = new MessageStore(Quiet());
        var payload = Payload(5000);
        await using (var file = store.OpenPartial(_hash, _capability, Verifier(payload)))
        {
            await file.WriteAsync(payload);
        }

        var stored = await store.CommitAsync(_hash, _capability, "a.example", payload.Length, PayloadTree.Hash(payload), "");

        // What a kill inside the naming's write leaves (the store abandoned as the kill leaves it): half a .blob.
        await File.WriteAllBytesAsync(PathOf(".blob"), payload.AsMemory(0, 2000).ToArray());
        using var restarted = new MessageStore(Quiet());
        Assert.Equal(stored, Assert.Single(restarted.List(_hash)));
        Assert.Equal(payload, await File.ReadAllBytesAsync(PathOf(".blob")));
        Assert.False(File.Exists(PathOf(".partial")));
    }

    private int CountRecords() => MessageCommitLog.Replay(Path.Combine(_directory.Path, "messages")).Count;

    /// <summary>Options whose checkpoints run only when a test asks (a restart then finds the records).</summary>
    private MessageStoreOptions Quiet() => new() { DataDirectory = _directory.Path, CheckpointInterval = TimeSpan.FromHours(1), CheckpointBytes = 1 << 30 };

    private static PayloadVerifier Verifier(byte[] payload) => new(payload.Length, PayloadTree.Hash(payload));

    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
