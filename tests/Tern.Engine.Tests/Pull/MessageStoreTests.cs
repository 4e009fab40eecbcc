using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;
using Tern.Engine.Tests.Transit;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// The recipient's message store: the hash taken while a fetch writes, its fallback for resumed and rewritten partial
/// files, and the commit protocol seen from a restart at each of its steps (a message exists only once its .blob does,
/// and what a crash leaves before that never counts and is overwritten by the next pull).
/// </summary>
public sealed class MessageStoreTests : IDisposable
{
    private readonly TransitTestDirectory _directory = new();
    private readonly RecipientHash _hash = RecipientHash.NewRandom();
    private readonly FetchCapability _capability = FetchCapability.NewRandom();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_fetch_written_in_pieces_is_hashed_as_it_arrives_and_commits_as_a_message()
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload(300_000);
        await using (var file = store.OpenPartial(_hash, _capability))
        {
            Assert.IsType<PartialFileStream>(file);
            await file.WriteAsync(payload.AsMemory(0, 1000));
            file.Write(payload, 1000, 99_000);
            await file.WriteAsync(payload.AsMemory(100_000));
            Assert.True(file.IsHashing);
            var (hash, length) = await MessageStore.HashAsync(file, CancellationToken.None);
            Assert.Equal(Blake(payload), hash);
            Assert.Equal(payload.Length, length);
        }

        var stored = store.Commit(_hash, _capability, "a.example", payload.Length, Blake(payload), "text/plain");
        Assert.True(store.Contains(_hash, _capability));
        Assert.False(File.Exists(Path.Combine(_directory.Path, "messages", _hash.ToString(), _capability + ".partial")));
        await using var read = store.OpenRead(_hash, _capability);
        var back = new byte[payload.Length];
        await read.ReadExactlyAsync(back);
        Assert.Equal(payload, back);

        // A restart sees the same message with its metadata.
        var listed = Assert.Single(new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path }).List(_hash));
        Assert.Equal(stored, listed);
    }

    [Fact]
    public async Task A_resumed_partial_file_is_hashed_from_its_start()
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload(10_000);
        await using (var first = store.OpenPartial(_hash, _capability))
        {
            await first.WriteAsync(payload.AsMemory(0, 4000));
        }

        await using var resumed = store.OpenPartial(_hash, _capability);
        Assert.Equal(4000, resumed.Position);
        Assert.False(resumed.IsHashing);
        await resumed.WriteAsync(payload.AsMemory(4000));
        Assert.Equal((Blake(payload), (long)payload.Length), await MessageStore.HashAsync(resumed, CancellationToken.None));
    }

    [Fact]
    public async Task A_partial_file_truncated_and_rewritten_is_hashed_afresh()
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload(5000);
        await using var file = store.OpenPartial(_hash, _capability);
        await file.WriteAsync(Payload(777).AsMemory());
        file.SetLength(0);
        file.Position = 0;
        await file.WriteAsync(payload.AsMemory());
        Assert.True(file.IsHashing);
        Assert.Equal((Blake(payload), (long)payload.Length), await MessageStore.HashAsync(file, CancellationToken.None));

        // A write that skips back over hashed bytes drops the running hash; the file is then read back instead.
        file.Position = 10;
        await file.WriteAsync(payload.AsMemory(10, 20));
        Assert.False(file.IsHashing);
        Assert.Equal((Blake(payload), (long)payload.Length), await MessageStore.HashAsync(file, CancellationToken.None));
    }

    [Fact]
    public async Task A_crash_before_the_rename_leaves_no_message_and_the_next_pull_stores_it()
    {
        var payload = Payload(2048);
        var directory = Path.Combine(_directory.Path, "messages", _hash.ToString());
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        await using (var file = store.OpenPartial(_hash, _capability))
        {
            await file.WriteAsync(payload.AsMemory(0, 1000));
        }

        // What a crash after the metadata was written and before the rename leaves: a torn .meta and a partial file.
        File.WriteAllText(Path.Combine(directory, _capability + ".meta"), "v=1\nsender=a.exa");
        var restarted = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        Assert.False(restarted.Contains(_hash, _capability));
        Assert.Empty(restarted.List(_hash));

        await using (var resumed = restarted.OpenPartial(_hash, _capability))
        {
            await resumed.WriteAsync(payload.AsMemory(1000));
            Assert.Equal((Blake(payload), (long)payload.Length), await MessageStore.HashAsync(resumed, CancellationToken.None));
        }

        var stored = restarted.Commit(_hash, _capability, "a.example", payload.Length, Blake(payload), "");
        Assert.Equal(stored, Assert.Single(new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path }).List(_hash)));
    }

    [Fact]
    public async Task Committing_a_stored_message_again_keeps_the_first_metadata()
    {
        var time = new ManualTimeProvider(TransitTestStores.Start);
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path }, time);
        var payload = Payload(100);
        await using (var file = store.OpenPartial(_hash, _capability))
        {
            await file.WriteAsync(payload.AsMemory());
        }

        var first = store.Commit(_hash, _capability, "a.example", payload.Length, Blake(payload), "text/plain");
        time.Advance(TimeSpan.FromMinutes(5));
        var again = store.Commit(_hash, _capability, "other.example", payload.Length, Blake(payload), "");
        Assert.Equal(first, again);
        Assert.Equal(first, Assert.Single(store.List(_hash)));
    }

    [Fact]
    public async Task Listing_skips_names_and_metadata_that_are_not_canonical_base64url()
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload(200);
        await using (var file = store.OpenPartial(_hash, _capability))
        {
            await file.WriteAsync(payload.AsMemory());
        }

        var stored = store.Commit(_hash, _capability, "a.example", payload.Length, Blake(payload), "");
        var directory = Path.Combine(_directory.Path, "messages", _hash.ToString());
        var meta = File.ReadAllText(Path.Combine(directory, _capability + ".meta"));

        // A stray file whose name is 43 characters outside the alphabet, and a message whose hash has non-zero trailing bits.
        var stray = new string('A', 42) + "+";
        File.WriteAllBytes(Path.Combine(directory, stray + ".blob"), payload);
        File.WriteAllText(Path.Combine(directory, stray + ".meta"), meta);
        var other = FetchCapability.NewRandom();
        File.WriteAllBytes(Path.Combine(directory, other + ".blob"), payload);
        File.WriteAllText(Path.Combine(directory, other + ".meta"), meta.Replace(Blake(payload).ToString(), new string('A', 42) + "B", StringComparison.Ordinal));

        Assert.Equal(stored, Assert.Single(store.List(_hash)));
    }

    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static Bytes32 Blake(byte[] payload)
    {
        var hash = new byte[Bytes32.Size];
        Blake2b.Hash(payload, hash);
        return new Bytes32(hash);
    }
}
