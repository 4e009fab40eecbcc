using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// A message between its durable commit record and its naming (the <c>.meta</c> and its <c>.blob</c>, written or renamed
/// from its partial by the checkpoint that settles the record; the tests' stores checkpoint only when asked): the user is
/// told already, so every read answers it (from memory and its partial file), a delete removes it for good and leaves no
/// file, a checkpoint names it before it drops its record, and a crash in that gap lands it at the next open
/// (docs/ARCHITECTURE.md §5.2).
/// </summary>
public sealed class MessageStoreUnnamedTests : IDisposable
{
    private readonly TempDirectory _directory = new("messages-unnamed");
    private readonly RecipientHash _hash = RecipientHash.NewRandom();
    private readonly FetchCapability _capability = FetchCapability.NewRandom();

    public void Dispose() => _directory.Dispose();

    private string PathOf(string extension) => Path.Combine(_directory.Path, "messages", _hash.ToString(), _capability + extension);

    [Theory]
    [InlineData(2048)]
    [InlineData(100_000)]
    public async Task Contains_and_TryGet_find_a_message_committed_and_not_yet_named(int size)
    {
        await using var held = await HoldAsync(size);
        Assert.False(File.Exists(PathOf(".blob")));
        Assert.True(held.Store.Contains(_hash, _capability));
        Assert.False(held.Store.Contains(RecipientHash.NewRandom(), _capability));
        Assert.True(held.Store.TryGet(_hash, _capability, out var message));
        Assert.Equal(held.Message, message);

        var stored = await held.ReleaseAsync();
        Assert.Equal(held.Message, stored);
        Assert.True(held.Store.TryGet(_hash, _capability, out var named));
        Assert.Equal(held.Message, named);
    }

    [Fact]
    public async Task List_and_StoredCapabilities_hold_a_message_committed_and_not_yet_named_once_before_and_after_its_naming()
    {
        var store = new MessageStore(Quiet());
        var other = FetchCapability.NewRandom();
        var payload = Payload(700);
        await WritePartialAsync(store, payload, other);
        var named = await store.CommitAsync(_hash, other, "a.example", payload.Length, Hash(payload), "");
        await store.CheckpointAsync();

        await using var held = await HoldAsync(1500, store);
        Assert.Equal(new[] { named, held.Message }, store.List(_hash).OrderBy(m => m.Capability == other ? 0 : 1));
        Assert.Equal(new[] { other, _capability }, store.StoredCapabilities(_hash).OrderBy(c => c == other ? 0 : 1));
        Assert.Empty(store.List(RecipientHash.NewRandom()));

        await held.ReleaseAsync();
        Assert.Equal(2, store.List(_hash).Count);
        Assert.Equal(2, store.StoredCapabilities(_hash).Count);
        Assert.True(File.Exists(PathOf(".blob")));
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(100_000)]
    public async Task OpenRead_streams_a_message_committed_and_not_yet_named_from_its_partial_file_and_the_naming_does_not_cut_it(int size)
    {
        await using var held = await HoldAsync(size);
        using var read = held.Store.OpenRead(_hash, _capability);
        var first = new byte[size / 2];
        await read.ReadExactlyAsync(first);

        // Named while the reader is half way: its handle goes on reading the same bytes.
        await held.ReleaseAsync();
        Assert.False(File.Exists(PathOf(".partial")));
        var rest = new byte[size - first.Length];
        await read.ReadExactlyAsync(rest);
        Assert.Equal(held.Payload, first.Concat(rest).ToArray());
    }

    [Fact]
    public async Task OpenRead_of_a_message_renamed_between_the_look_and_the_open_reads_the_blob()
    {
        // A blob too large for its record: it has a partial file to rename.
        await using var held = await HoldAsync(100_000);

        // What a naming that renamed and has not yet left the memory leaves.
        File.Move(PathOf(".partial"), PathOf(".blob"));
        using (var read = held.Store.OpenRead(_hash, _capability))
        {
            Assert.Equal(PathOf(".blob"), Assert.IsType<FileStream>(read).Name);
            var bytes = new byte[held.Payload.Length];
            await read.ReadExactlyAsync(bytes);
            Assert.Equal(held.Payload, bytes);
        }

        File.Move(PathOf(".blob"), PathOf(".partial"));
    }

    [Fact]
    public async Task Delete_of_a_message_committed_and_not_yet_named_removes_it_for_good()
    {
        var held = await HoldAsync(2048);
        Assert.True(held.Store.Delete(_hash, _capability));
        Assert.False(held.Store.Contains(_hash, _capability));
        Assert.False(held.Store.TryGet(_hash, _capability, out _));
        Assert.Empty(held.Store.List(_hash));
        Assert.Throws<FileNotFoundException>(() => held.Store.OpenRead(_hash, _capability));
        Assert.False(held.Store.Delete(_hash, _capability));

        // A crash before a checkpoint (the store abandoned): the deleted record keeps it gone, the commit's event handed back once.
        var restarted = new MessageStore(Quiet());
        Assert.False(restarted.Contains(_hash, _capability));
        Assert.True(Assert.Single(restarted.RecoveredCommits).Deleted);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(100_000)]
    public async Task A_message_deleted_before_the_checkpoint_gets_no_file_and_the_checkpoint_drops_both_records(int size)
    {
        var held = await HoldAsync(size);
        Assert.True(held.Store.Delete(_hash, _capability));
        await held.ReleaseAsync();
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(PathOf(".blob"))!));
        Assert.Empty(held.Store.List(_hash));
        Assert.Equal(0, CountRecords());
        held.Store.Dispose();
        Assert.Empty(new MessageStore(Quiet()).List(_hash));
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(100_000)]
    public async Task A_crash_between_the_durable_record_and_the_naming_lands_the_message_at_the_next_open(int size)
    {
        // The held store is abandoned where it stands, as a kill leaves it: its naming never runs.
        var held = await HoldAsync(size);
        Assert.False(File.Exists(PathOf(".blob")));

        var restarted = new MessageStore(Quiet());
        Assert.Equal(held.Message, Assert.Single(restarted.List(_hash)));
        Assert.Equal(held.Payload, await File.ReadAllBytesAsync(PathOf(".blob")));
        Assert.False(File.Exists(PathOf(".partial")));
        Assert.Equal("pulled", System.Text.Encoding.UTF8.GetString(Assert.Single(restarted.RecoveredCommits).Annotation.Span));
    }

    [Fact]
    public async Task A_checkpoint_names_a_message_whose_naming_has_not_run_before_it_drops_its_record()
    {
        await using var held = await HoldAsync(2048);
        await held.Store.CheckpointAsync();
        Assert.True(File.Exists(PathOf(".blob")));
        Assert.True(File.Exists(PathOf(".meta")));
        Assert.Equal(0, held.Store.Unnamed);

        // The record is gone: only the files hold the message now, and a restart finds it there.
        Assert.Equal(0, CountRecords());
        await held.ReleaseAsync();
        Assert.Equal(held.Message, Assert.Single(new MessageStore(Quiet()).List(_hash)));
    }

    [Fact]
    public async Task Past_a_checkpoints_worth_of_small_blobs_held_unnamed_a_commit_names_its_own_message()
    {
        // The checkpoint that the second commit starts is held at its naming, as a long one under a campaign's pulls is.
        var options = Quiet();
        options.CheckpointBytes = 4096;
        var store = new MessageStore(options);
        var naming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeNaming = () =>
        {
            naming.TrySetResult();
            return release.Task;
        };

        var first = Payload(3000);
        await WritePartialAsync(store, first);
        await store.CommitAsync(_hash, _capability, "a.example", first.Length, Hash(first), "");
        Assert.Equal(1, store.Unnamed);

        var second = Payload(3001);
        var other = FetchCapability.NewRandom();
        await WritePartialAsync(store, second, other);
        await store.CommitAsync(_hash, other, "a.example", second.Length, Hash(second), "");
        await naming.Task;
        var otherBlob = Path.Combine(Path.GetDirectoryName(PathOf(".blob"))!, other + ".blob");
        Assert.Equal(second, await File.ReadAllBytesAsync(otherBlob));
        Assert.False(File.Exists(PathOf(".blob")));
        Assert.Equal(1, store.Unnamed);

        release.TrySetResult();
        await store.CheckpointAsync();
        Assert.Equal(first, await File.ReadAllBytesAsync(PathOf(".blob")));
        Assert.Equal(0, store.Unnamed);
        store.Dispose();
    }

    [Fact]
    public async Task The_hooks_task_completes_with_its_continuations_on_the_committing_thread_and_the_checkpoint_names_the_message()
    {
        var store = new MessageStore(Quiet());
        var order = new List<(string Step, int Thread)>();
        store.Committed = (_, committed) =>
        {
            committed.ContinueWith(_ => order.Add(("told", Environment.CurrentManagedThreadId)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return default;
        };
        store.BeforeNaming = () =>
        {
            order.Add(("naming", Environment.CurrentManagedThreadId));
            return Task.CompletedTask;
        };

        var payload = Payload(1000);
        await WritePartialAsync(store, payload);
        await store.CommitAsync(_hash, _capability, "a.example", payload.Length, Hash(payload), "", durable: () => order.Add(("durable", Environment.CurrentManagedThreadId)));
        Assert.Equal(["durable", "told"], order.Select(o => o.Step));
        Assert.Equal(order[0].Thread, order[1].Thread);
        Assert.False(File.Exists(PathOf(".blob")));

        await store.CheckpointAsync();
        Assert.Equal(["durable", "told", "naming"], order.Select(o => o.Step));
        Assert.Equal(payload, await File.ReadAllBytesAsync(PathOf(".blob")));
        store.Dispose();
    }

    [Fact]
    public async Task A_commit_from_a_thread_off_the_pool_prepares_on_the_pool_and_one_from_the_pool_prepares_where_it_is()
    {
        // Off the pool stands for the socket engine's event thread, which must never wait on the disk.
        var store = new MessageStore(Quiet());
        var hooked = new List<(bool Pool, int Thread)>();
        store.Committed = (_, _) =>
        {
            hooked.Add((Thread.CurrentThread.IsThreadPoolThread, Environment.CurrentManagedThreadId));
            return default;
        };

        var payload = Payload(900);
        await WritePartialAsync(store, payload);
        var dedicated = new Thread(() => store.Commit(_hash, _capability, "a.example", payload.Length, Hash(payload), ""));
        dedicated.Start();
        dedicated.Join();
        Assert.True(hooked[0].Pool);
        Assert.NotEqual(dedicated.ManagedThreadId, hooked[0].Thread);

        var second = FetchCapability.NewRandom();
        await WritePartialAsync(store, payload, second);
        var caller = await Task.Run(async () =>
        {
            var thread = Environment.CurrentManagedThreadId;
            var commit = store.CommitAsync(_hash, second, "a.example", payload.Length, Hash(payload), "");
            await commit;
            return thread;
        });
        Assert.Equal(caller, hooked[1].Thread);
    }

    /// <summary>
    /// Commits a message of <paramref name="size"/> bytes on a store that checkpoints only when asked: returns once the
    /// commit did, the hook's task completed (the user was told) and the message not named.
    /// </summary>
    private async Task<Held> HoldAsync(int size, MessageStore? store = null)
    {
        store ??= new MessageStore(Quiet());
        var payload = Payload(size);
        Task? told = null;
        store.Committed = (_, committed) =>
        {
            told = committed;
            return "pulled"u8.ToArray();
        };

        await WritePartialAsync(store, payload);
        var committed = await store.CommitAsync(_hash, _capability, "a.example", payload.Length, Hash(payload), "text/plain");
        Assert.True(told!.IsCompletedSuccessfully);
        Assert.Equal(1, store.Unnamed);
        Assert.True(store.TryGet(_hash, _capability, out var message));
        Assert.Equal(committed, message);
        return new Held(store, payload, message);
    }

    /// <summary>A message committed and not yet named; its release is the checkpoint that names it.</summary>
    private sealed record Held(MessageStore Store, byte[] Payload, StoredMessage Message) : IAsyncDisposable
    {
        public async Task<StoredMessage> ReleaseAsync()
        {
            await Store.CheckpointAsync();
            Assert.Equal(0, Store.Unnamed);
            return Message;
        }

        public async ValueTask DisposeAsync()
        {
            await ReleaseAsync();
            Store.Dispose();
        }
    }

    private int CountRecords()
    {
        var bytes = File.ReadAllBytes(Path.Combine(_directory.Path, "messages", "commits.log"));
        var count = 0;
        for (var at = 0; at + 4 <= bytes.Length && BitConverter.ToInt32(bytes, at) is > 0 and var length; at += length + 12)
        {
            count++;
        }

        return count;
    }

    /// <summary>Options whose checkpoints run only when a test asks (a restart then finds the records).</summary>
    private MessageStoreOptions Quiet() => new() { DataDirectory = _directory.Path, CheckpointInterval = TimeSpan.FromHours(1), CheckpointBytes = 1 << 30 };

    private async Task WritePartialAsync(MessageStore store, byte[] payload, FetchCapability? capability = null)
    {
        await using var file = store.OpenPartial(_hash, capability ?? _capability, new PayloadVerifier(payload.Length, Hash(payload)));
        await file.WriteAsync(payload);
        Assert.True(file.TryComplete());
    }

    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static Bytes32 Hash(byte[] payload) => PayloadTree.Hash(payload);
}
