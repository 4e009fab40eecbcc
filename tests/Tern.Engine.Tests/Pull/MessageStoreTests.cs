using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;
using Tern.Engine.Tests.Transit;

namespace Tern.Engine.Tests.Pull;

/// <summary>
/// The recipient's message store: the partial file checked chunk by chunk as a fetch writes it (docs/PROTOCOL.md §4.8),
/// corruption refused at its chunk, bytes kept from an earlier process checked before they count, and the commit protocol seen from a restart at each of its steps (a message exists only once its .blob does,
/// and what a crash leaves before that never counts and is overwritten by the next pull).
/// </summary>
public sealed class MessageStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new("messages");
    private readonly RecipientHash _hash = RecipientHash.NewRandom();
    private readonly FetchCapability _capability = FetchCapability.NewRandom();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_fetch_written_in_pieces_is_checked_chunk_by_chunk_and_commits_as_a_message()
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload((3 * C) + 5000);
        await using (var file = store.OpenPartial(_hash, _capability, Proven(payload)))
        {
            Assert.IsType<PartialFileStream>(file);
            await file.WriteAsync(payload.AsMemory(0, 1000));
            file.Write(payload, 1000, C - 1000 - 1);
            Assert.Equal(0, file.VerifiedLength); // the first chunk is not whole yet: nothing reached the file
            await file.WriteAsync(payload.AsMemory(C - 1));
            Assert.Equal(payload.Length, file.VerifiedLength);
            Assert.Equal(4, file.Verifier.ChunksChecked);
            Assert.True(file.TryComplete());
        }

        var stored = store.Commit(_hash, _capability, "a.example", payload.Length, Hash(payload), "text/plain");
        Assert.True(store.Contains(_hash, _capability));
        await store.CheckpointAsync();
        Assert.False(File.Exists(PartialPath));
        await using var read = store.OpenRead(_hash, _capability);
        var back = new byte[payload.Length];
        await read.ReadExactlyAsync(back);
        Assert.Equal(payload, back);

        // A restart sees the same message with its metadata.
        var listed = Assert.Single(new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path }).List(_hash));
        Assert.Equal(stored, listed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task A_corrupted_byte_in_chunk_k_is_refused_at_chunk_k_and_the_chunks_before_it_stay(int k)
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload((4 * C) + 123);
        var corrupted = payload.ToArray();
        corrupted[(k * C) + 77] ^= 0x01;
        await using var file = store.OpenPartial(_hash, _capability, Proven(payload));

        // Fed in 64 KiB pieces as data frames arrive: every piece before the end of chunk k is taken, the one that
        // completes chunk k throws, and nothing after it was ever asked for.
        var at = 0;
        var error = await Assert.ThrowsAsync<PayloadMismatchException>(async () =>
        {
            for (; at < corrupted.Length; at += 65536)
            {
                await file.WriteAsync(corrupted.AsMemory(at, Math.Min(65536, corrupted.Length - at)));
            }
        });
        Assert.Equal(k, error.Chunk);
        Assert.Equal(k < 4 ? ((k + 1) * C) - 65536 : 4 * C, at); // the piece holding chunk k's last byte
        Assert.Equal((long)k * C, file.VerifiedLength);
        Assert.Equal((long)k * C, file.Length);
        Assert.Equal((long)k * C, new FileInfo(PartialPath).Length);

        // The good bytes from there on complete it.
        await file.WriteAsync(payload.AsMemory(k * C));
        Assert.True(file.TryComplete());
    }

    [Fact]
    public async Task Bytes_kept_from_an_earlier_process_are_checked_before_they_count()
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload((5 * C) + 9);
        await using (var first = store.OpenPartial(_hash, _capability, Proven(payload)))
        {
            await first.WriteAsync(payload.AsMemory(0, (3 * C) + 1000));
            Assert.Equal((3 * C) + 1000, first.Length); // the unfinished fourth chunk waits in memory and dies with the process
        }

        await using (var resumed = store.OpenPartial(_hash, _capability, new PayloadVerifier(payload.Length, Hash(payload))))
        {
            Assert.True(resumed.HasUnverifiedKept);
            Assert.Equal(3 * C, resumed.Length);
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await resumed.WriteAsync(payload.AsMemory(3 * C, 10)));
            Accept(resumed.Verifier, payload, 0);
            Assert.Equal(3 * C, await resumed.VerifyKeptAsync(CancellationToken.None));
        }

        // A byte changed on disk in chunk 1 (a torn write, another writer): only chunk 0 is kept.
        await using (var disk = new FileStream(PartialPath, FileMode.Open, FileAccess.ReadWrite))
        {
            disk.Position = C + 5;
            disk.WriteByte(0xEE);
        }

        await using (var again = store.OpenPartial(_hash, _capability, new PayloadVerifier(payload.Length, Hash(payload))))
        {
            Accept(again.Verifier, payload, 0);
            Assert.Equal(C, await again.VerifyKeptAsync(CancellationToken.None));
            Assert.Equal(C, new FileInfo(PartialPath).Length);
            await again.WriteAsync(payload.AsMemory(C));
            Assert.True(again.TryComplete());
        }
    }

    [Fact]
    public async Task A_one_chunk_blob_is_kept_only_whole_and_the_empty_blob_checks_its_hash()
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload(10_000);
        Directory.CreateDirectory(Path.GetDirectoryName(PartialPath)!);
        await File.WriteAllBytesAsync(PartialPath, payload.AsMemory(0, 4000).ToArray());
        await using (var resumed = store.OpenPartial(_hash, _capability, new PayloadVerifier(payload.Length, Hash(payload))))
        {
            Assert.Equal(0, await resumed.VerifyKeptAsync(CancellationToken.None));
            await resumed.WriteAsync(payload.AsMemory());
            Assert.True(resumed.TryComplete());
        }

        await using var empty = store.OpenPartial(_hash, FetchCapability.NewRandom(), new PayloadVerifier(0, Hash([])));
        Assert.True(empty.TryComplete());
        await using var wrong = store.OpenPartial(_hash, FetchCapability.NewRandom(), new PayloadVerifier(0, Hash([1])));
        Assert.False(wrong.TryComplete());
        await Assert.ThrowsAsync<PayloadMismatchException>(async () => await wrong.WriteAsync(new byte[1]));
    }

    [Fact]
    public async Task A_crash_before_the_rename_leaves_no_message_and_the_next_pull_stores_it()
    {
        var payload = Payload(2048);
        var directory = Path.Combine(_directory.Path, "messages", _hash.ToString());
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        await using (var file = store.OpenPartial(_hash, _capability, new PayloadVerifier(payload.Length, Hash(payload))))
        {
            await file.WriteAsync(payload.AsMemory(0, 1000));
        }

        // What a crash after the metadata was written and before the rename leaves: a torn .meta and a partial file.
        File.WriteAllText(Path.Combine(directory, _capability + ".meta"), "v=1\nsender=a.exa");
        var restarted = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        Assert.False(restarted.Contains(_hash, _capability));
        Assert.Empty(restarted.List(_hash));

        await using (var resumed = restarted.OpenPartial(_hash, _capability, new PayloadVerifier(payload.Length, Hash(payload))))
        {
            await resumed.VerifyKeptAsync(CancellationToken.None);
            await resumed.WriteAsync(payload.AsMemory((int)resumed.Length));
            Assert.True(resumed.TryComplete());
        }

        var stored = restarted.Commit(_hash, _capability, "a.example", payload.Length, Hash(payload), "");
        Assert.Equal(stored, Assert.Single(new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path }).List(_hash)));
    }

    [Fact]
    public async Task The_committed_hook_runs_before_the_record_is_written_and_its_task_completes_once_the_message_is_readable()
    {
        var payload = Payload(2048);
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var blob = Path.Combine(_directory.Path, "messages", _hash.ToString(), _capability + ".blob");
        var seen = new List<(bool Blob, long Writes, bool DurableDone)>();
        Task? durable = null;
        store.Committed = (message, committed) =>
        {
            Assert.Equal(_capability, message.Capability);
            durable = committed;
            seen.Add((File.Exists(blob), store.CommitLogWrites, committed.IsCompleted));
            return "kept with the record"u8.ToArray();
        };

        await WritePartialAsync(store, payload);
        store.Commit(_hash, _capability, "a.example", payload.Length, Hash(payload), "");

        // Before the record's write, nothing named; the task completes, without error, once the commit returned.
        Assert.Equal((false, 0L, false), Assert.Single(seen));
        Assert.True(durable!.IsCompletedSuccessfully);
        Assert.Equal(1, store.CommitLogWrites);

        // A message already stored is not reported again.
        store.Commit(_hash, _capability, "a.example", payload.Length, Hash(payload), "");
        Assert.Single(seen);

        // A restart before a checkpoint hands back what the hook kept, once, until released.
        var restarted = new MessageStore(Quiet());
        var recovered = Assert.Single(restarted.RecoveredCommits);
        Assert.Equal("kept with the record", System.Text.Encoding.UTF8.GetString(recovered.Annotation.Span));
        Assert.False(recovered.Deleted);
        restarted.ReleaseRecovered();
        await restarted.CheckpointAsync();
        Assert.Empty(new MessageStore(Quiet()).RecoveredCommits);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(100_000)]
    public async Task The_durable_step_runs_once_the_record_is_written_and_before_the_message_is_listed(int size)
    {
        var payload = Payload(size);
        var store = new MessageStore(Quiet());
        await WritePartialAsync(store, payload);
        var (listedThen, containedThen, recordsThen) = (-1, true, -1L);

        await store.CommitAsync(_hash, _capability, "a.example", payload.Length, Hash(payload), "", durable: () =>
        {
            (listedThen, containedThen, recordsThen) = (store.List(_hash).Count, store.Contains(_hash, _capability), store.CommitLogWrites);
        });

        Assert.Equal(0, listedThen);
        Assert.False(containedThen);
        Assert.Equal(1, recordsThen);
        Assert.Single(store.List(_hash));
        Assert.True(store.Contains(_hash, _capability));
    }

    [Theory]
    [InlineData(2048, "after the record")]
    [InlineData(2048, "after the metadata")]
    [InlineData(2048, "power cut under the rename")]
    [InlineData(100_000, "after the record")]
    [InlineData(100_000, "after the metadata")]
    public async Task A_crash_after_the_commit_record_lands_the_message_at_the_next_open(int size, string cut)
    {
        var payload = Payload(size);
        var store = new MessageStore(Quiet());
        await WritePartialAsync(store, payload);
        var stored = await store.CommitAsync(_hash, _capability, "a.example", payload.Length, Hash(payload), "text/plain");
        store.NameAll();
        var blob = Path.ChangeExtension(PartialPath, ".blob");
        var meta = Path.ChangeExtension(PartialPath, ".meta");

        // What a kill (or a power cut) at that step leaves: the record is durable, what follows it is not.
        switch (cut)
        {
            case "after the record":
                File.Move(blob, PartialPath);
                File.Delete(meta);
                break;
            case "after the metadata":
                File.Move(blob, PartialPath);
                File.WriteAllText(meta, "v=1\nsender=a.exa");
                break;
            default:
                File.WriteAllBytes(blob, new byte[size / 2]);
                File.Delete(meta);
                break;
        }

        var restarted = new MessageStore(Quiet());
        Assert.Equal(stored, Assert.Single(restarted.List(_hash)));
        Assert.Equal(payload, await File.ReadAllBytesAsync(blob));
        Assert.False(File.Exists(PartialPath));
    }

    [Fact]
    public async Task A_torn_commit_record_is_no_commit_and_the_pull_stores_the_message_again()
    {
        var payload = Payload(2048);
        var store = new MessageStore(Quiet());
        await WritePartialAsync(store, payload);
        await store.CommitAsync(_hash, _capability, "a.example", payload.Length, Hash(payload), "");
        store.NameAll();

        // A kill inside the record's write: the commit never returned. Its tail torn, the rest as before the commit.
        var log = Path.Combine(_directory.Path, "messages", "commits.log");
        var bytes = await File.ReadAllBytesAsync(log);
        var length = BitConverter.ToInt32(bytes) + 12;
        Array.Clear(bytes, length - 100, 100);
        await File.WriteAllBytesAsync(log, bytes);
        File.Move(Path.ChangeExtension(PartialPath, ".blob"), PartialPath);
        File.Delete(Path.ChangeExtension(PartialPath, ".meta"));

        var restarted = new MessageStore(Quiet());
        Assert.False(restarted.Contains(_hash, _capability));
        Assert.Empty(restarted.RecoveredCommits);
        await using (var resumed = restarted.OpenPartial(_hash, _capability, Proven(payload)))
        {
            await resumed.VerifyKeptAsync(CancellationToken.None);
            Assert.True(resumed.TryComplete());
        }

        await restarted.CommitAsync(_hash, _capability, "a.example", payload.Length, Hash(payload), "");
        Assert.Single(new MessageStore(Quiet()).List(_hash));
    }

    [Fact]
    public async Task A_message_deleted_before_a_checkpoint_does_not_come_back_from_its_record()
    {
        var payload = Payload(500);
        var store = new MessageStore(Quiet()) { Committed = (_, _) => "event"u8.ToArray() };
        await WritePartialAsync(store, payload);
        await store.CommitAsync(_hash, _capability, "a.example", payload.Length, Hash(payload), "");
        Assert.True(store.Delete(_hash, _capability));

        var restarted = new MessageStore(Quiet());
        Assert.False(restarted.Contains(_hash, _capability));
        var recovered = Assert.Single(restarted.RecoveredCommits);
        Assert.True(recovered.Deleted);

        // And not after a second crash before the records were released either.
        Assert.False(new MessageStore(Quiet()).Contains(_hash, _capability));
    }

    [Fact]
    public async Task A_checkpoint_flushes_what_it_settles_and_empties_the_log()
    {
        var store = new MessageStore(Quiet());
        for (var i = 0; i < 3; i++)
        {
            var payload = Payload(1000 + i);
            var capability = FetchCapability.NewRandom();
            await WritePartialAsync(store, payload, capability);
            await store.CommitAsync(_hash, capability, "a.example", payload.Length, Hash(payload), "");
        }

        var log = Path.Combine(_directory.Path, "messages", "commits.log");
        Assert.Equal(3, CountRecords(log));
        await store.CheckpointAsync();
        Assert.Equal(0, CountRecords(log));
        Assert.Equal(3, new MessageStore(Quiet()).List(_hash).Count);
        store.Dispose();
        Assert.Equal("commit-log 1", File.ReadAllText(Path.Combine(_directory.Path, "messages", MessageStore.FormatFileName)).Trim());
    }

    [Fact]
    public async Task The_commit_logs_writes_and_the_checkpoints_block_no_pool_thread()
    {
        // Their waits on the disk are long and, under a campaign's pulls, back to back: on the pool they would take its
        // few threads from the continuations that list a stored message (issue 18).
        var store = new MessageStore(Quiet());
        for (var i = 0; i < 3; i++)
        {
            var payload = Payload(1200 + i);
            var capability = FetchCapability.NewRandom();
            await WritePartialAsync(store, payload, capability);
            await store.CommitAsync(_hash, capability, "a.example", payload.Length, Hash(payload), "");
        }

        await store.CheckpointAsync();
        Assert.True(store.CommitLogWrites > 0);
        Assert.Equal(1, store.Checkpoints);
        Assert.Equal(0, store.BlockingWorkOnPool);
        store.Dispose();
    }

    [Theory]
    [InlineData(1024, true)]
    [InlineData(8 * 1024, true)]
    [InlineData(51_200, false)]
    public async Task By_default_a_small_message_rides_in_its_record_and_a_campaigns_blob_does_not_and_both_survive_a_kill(int size, bool inline)
    {
        // A legitimate 1 KiB message keeps its one wait; a campaign's 50 KiB blob is flushed to its own file instead of
        // filling the commit log that every other commit writes through (issue 18).
        var payload = Payload(size);
        var store = new MessageStore(Quiet());
        await WritePartialAsync(store, payload);
        var stored = await store.CommitAsync(_hash, _capability, "a.example", payload.Length, Hash(payload), "");

        var record = MessageCommitLog.Replay(Path.Combine(_directory.Path, "messages")).Single();
        Assert.Equal(inline ? size : 0, record.Inline.Length);
        Assert.Equal(1, store.CommitLogWrites);

        // What a kill right after the record leaves: neither the rename nor the .meta.
        store.NameAll();
        File.Move(Path.ChangeExtension(PartialPath, ".blob"), PartialPath);
        File.Delete(Path.ChangeExtension(PartialPath, ".meta"));
        var restarted = new MessageStore(Quiet());
        Assert.Equal(stored, Assert.Single(restarted.List(_hash)));
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.ChangeExtension(PartialPath, ".blob")));
    }

    [Fact]
    public async Task Records_appended_while_the_log_compacts_are_kept_in_order_and_replay()
    {
        // The compaction copies the kept records beside the log while appends go on into it; what they appended
        // meanwhile must reach the new file before the rename, in order, or a replay loses acknowledged commits.
        var directory = Path.Combine(_directory.Path, "log");
        Directory.CreateDirectory(directory);
        using var log = MessageCommitLog.Create(directory, [], durable: true, zeroAhead: 4096);
        var expected = new List<FetchCapability>();
        var dropped = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < 120; i++)
        {
            var capability = FetchCapability.NewRandom();
            var payload = Payload(50 * 1024);
            var record = MessageCommitCodec.Committed(new StoredMessage(_hash, capability, "spam.example", payload.Length, Hash(payload), "", 0), payload, []);
            await log.AppendAsync(record);
            if (i % 2 == 0)
            {
                dropped.Add(record);
            }
            else
            {
                expected.Add(capability);
            }
        }

        var compaction = Task.Run(() => log.Compact(dropped));
        var during = 0;
        while (!compaction.IsCompleted || during < 3)
        {
            var capability = FetchCapability.NewRandom();
            await log.AppendAsync(MessageCommitCodec.Deleted(_hash, capability));
            expected.Add(capability);
            during++;
        }

        await compaction;
        Assert.Equal(expected, MessageCommitLog.Replay(directory).Select(r => r.Capability));
    }

    [Fact]
    public async Task Records_past_the_zeros_written_ahead_fill_more_and_all_replay()
    {
        var options = Quiet();
        options.ZeroAheadBytes = 4096;
        var store = new MessageStore(options) { Committed = (message, _) => System.Text.Encoding.UTF8.GetBytes(message.Capability.ToString()) };
        var capabilities = new List<FetchCapability>();
        for (var i = 0; i < 6; i++)
        {
            var payload = Payload(1500 + i);
            var capability = FetchCapability.NewRandom();
            await WritePartialAsync(store, payload, capability);
            await store.CommitAsync(_hash, capability, "a.example", payload.Length, Hash(payload), "");
            capabilities.Add(capability);
        }

        var log = Path.Combine(_directory.Path, "messages", "commits.log");
        Assert.Equal(6, CountRecords(log));
        Assert.Equal(capabilities, new MessageStore(Quiet()).RecoveredCommits.Select(c => c.Message.Capability));
    }

    [Fact]
    public void A_store_of_a_layout_this_version_does_not_know_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_directory.Path, "messages"));
        File.WriteAllText(Path.Combine(_directory.Path, "messages", MessageStore.FormatFileName), "segments 9\n");
        var refused = Assert.Throws<InvalidDataException>(() => new MessageStore(Quiet()));
        Assert.Contains("segments 9", refused.Message, StringComparison.Ordinal);
    }

    private static int CountRecords(string log)
    {
        var bytes = File.ReadAllBytes(log);
        var count = 0;
        for (var at = 0; at + 4 <= bytes.Length && BitConverter.ToInt32(bytes, at) is > 0 and var length; at += length + 12)
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Committing_a_stored_message_again_keeps_the_first_metadata()
    {
        var time = new ManualClock(TransitTestStores.Start);
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path }, time);
        var payload = Payload(100);
        await using (var file = store.OpenPartial(_hash, _capability, new PayloadVerifier(payload.Length, Hash(payload))))
        {
            await file.WriteAsync(payload.AsMemory());
        }

        var first = store.Commit(_hash, _capability, "a.example", payload.Length, Hash(payload), "text/plain");
        time.Advance(TimeSpan.FromMinutes(5));
        var again = store.Commit(_hash, _capability, "other.example", payload.Length, Hash(payload), "");
        Assert.Equal(first, again);
        Assert.Equal(first, Assert.Single(store.List(_hash)));
    }

    [Fact]
    public async Task Listing_skips_names_and_metadata_that_are_not_canonical_base64url()
    {
        var store = new MessageStore(new MessageStoreOptions { DataDirectory = _directory.Path });
        var payload = Payload(200);
        await using (var file = store.OpenPartial(_hash, _capability, Proven(payload)))
        {
            await file.WriteAsync(payload.AsMemory());
        }

        var stored = store.Commit(_hash, _capability, "a.example", payload.Length, Hash(payload), "");
        await store.CheckpointAsync();
        var directory = Path.Combine(_directory.Path, "messages", _hash.ToString());
        var meta = File.ReadAllText(Path.Combine(directory, _capability + ".meta"));

        // A stray file whose name is 43 characters outside the alphabet, and a message whose hash has non-zero trailing bits.
        var stray = new string('A', 42) + "+";
        File.WriteAllBytes(Path.Combine(directory, stray + ".blob"), payload);
        File.WriteAllText(Path.Combine(directory, stray + ".meta"), meta);
        var other = FetchCapability.NewRandom();
        File.WriteAllBytes(Path.Combine(directory, other + ".blob"), payload);
        File.WriteAllText(Path.Combine(directory, other + ".meta"), meta.Replace(Hash(payload).ToString(), new string('A', 42) + "B", StringComparison.Ordinal));

        Assert.Equal(stored, Assert.Single(store.List(_hash)));
    }

    /// <summary>Options whose checkpoints run only when a test asks (a restart then finds the records).</summary>
    private MessageStoreOptions Quiet() => new() { DataDirectory = _directory.Path, CheckpointInterval = TimeSpan.FromHours(1), CheckpointBytes = 1 << 30 };

    private async Task WritePartialAsync(MessageStore store, byte[] payload, FetchCapability? capability = null)
    {
        await using var file = store.OpenPartial(_hash, capability ?? _capability, Proven(payload));
        await file.WriteAsync(payload);
        Assert.True(file.TryComplete());
    }

    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private const int C = PayloadTree.ChunkSize;

    private string PartialPath => Path.Combine(_directory.Path, "messages", _hash.ToString(), _capability + ".partial");

    private static Bytes32 Hash(byte[] payload) => PayloadTree.Hash(payload);

    /// <summary>A verifier for <paramref name="payload"/> holding the leaves of every chunk, as a proof from the door gives them.</summary>
    private static PayloadVerifier Proven(byte[] payload)
    {
        var verifier = new PayloadVerifier(payload.Length, Hash(payload));
        Accept(verifier, payload, 0);
        return verifier;
    }

    private static void Accept(PayloadVerifier verifier, byte[] payload, long offset)
    {
        using var hasher = new PayloadHasher(keepLeaves: true);
        hasher.Append(payload);
        hasher.Finish();
        var tree = new PayloadTreeNodes(hasher.Leaves.ToArray(), payload.Length);
        var (first, count) = verifier.ProofWindow(offset);
        var proof = new System.Buffers.ArrayBufferWriter<byte>();
        PayloadProof.Write(tree, first, count, proof);
        Assert.True(verifier.TryAcceptProof(first, count, proof.WrittenSpan));
    }
}
