using Tern.Engine.Pending;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Pending;

public sealed class PendingTableDurabilityTests : IDisposable
{
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Reopen_recovers_the_last_checkpoint_and_loses_only_later_inserts()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        ulong lastSequence;
        using (var table = _fixture.Open())
        {
            for (var i = 0; i < 300; i++)
            {
                Insert(table, Capability(i), Hash(i % 10), domain: i % 2 == 0 ? "even.example" : "odd.example");
            }

            Assert.True(table.Remove(Capability(0), PendingRemoval.Fetched, StartMs));
            await table.TakeCheckpointAsync(cts.Token);
            lastSequence = table.Poll(Hash(1), 0, 100).NextCursor;

            // After the checkpoint: lost with the close (the senders would retransmit them).
            for (var i = 300; i < 320; i++)
            {
                Insert(table, Capability(i), Hash(1));
            }

            table.Remove(Capability(1), PendingRemoval.Fetched, StartMs);
        }

        using (var table = _fixture.Open())
        {
            Assert.Equal(299, table.Count);
            Assert.Equal(149, table.GetSenderDomainCount("even.example"));
            Assert.Equal(150, table.GetSenderDomainCount("odd.example"));
            Assert.Equal(299, Enumerable.Range(0, 10).Sum(h => PollAll(table, Hash(h)).Count));
            Assert.Equal(30, PollAll(table, Hash(1)).Count);
            Assert.Equal(PendingInsertStatus.Tombstoned, Insert(table, Capability(0), Hash(0)).Status);
            Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(1), Hash(1)).Status);

            // A lost insert comes back through retransmission, after the recovered ones.
            var again = Insert(table, Capability(300), Hash(1));
            Assert.Equal(PendingInsertStatus.Inserted, again.Status);
            Assert.True(again.Sequence > lastSequence);
            Assert.Equal(Capability(300), PollAll(table, Hash(1))[^1].Capability);

            // DisposeAsync checkpoints.
            await table.DisposeAsync();
        }

        using (var table = _fixture.Open())
        {
            Assert.Equal(300, table.Count);
            Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(300), Hash(1)).Status);
        }
    }

    [Fact]
    public async Task After_a_crash_references_filed_again_or_anew_are_listed_after_the_cursor_a_client_reached_before_it()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        ulong cursor;
        using (var table = _fixture.Open())
        {
            for (var i = 0; i < 10; i++)
            {
                Insert(table, Capability(i), Hash(1));
            }

            Insert(table, Capability(100), Hash(2));
            await table.TakeCheckpointAsync(cts.Token);

            // Filed after the checkpoint, and listed to the client, whose cursor passes them: lost with the crash below.
            for (var i = 10; i < 20; i++)
            {
                Insert(table, Capability(i), Hash(1));
            }

            var page = table.Poll(Hash(1), 0, 100);
            Assert.Equal(20, page.References.Count);
            cursor = page.NextCursor;
        }

        // The crash: closed without a checkpoint; the node comes back a second later.
        _fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var table = _fixture.Open())
        {
            Assert.Equal(11, table.Count);

            // A sender retransmits one of the lost references and a new one arrives: the client polling on from its
            // cursor lists both (and the recovered ones again, which is harmless: the same capabilities).
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(15), Hash(1)).Status);
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(20), Hash(1)).Status);
            var after = table.Poll(Hash(1), cursor, 100).References.Select(r => r.Capability).ToList();
            Assert.Contains(Capability(15), after);
            Assert.Contains(Capability(20), after);

            // Polled from the start, each reference once and in filing order; removal and idempotency still find them.
            Assert.Equal(Enumerable.Range(0, 10).Select(i => Capability(i)).Append(Capability(15)).Append(Capability(20)), PollAll(table, Hash(1)).Select(r => r.Capability));
            Assert.Equal(Capability(100), Assert.Single(PollAll(table, Hash(2))).Capability);
            Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(3), Hash(1)).Status);
            Assert.True(table.Remove(Capability(0), PendingRemoval.Fetched, StartMs));
            Assert.True(table.Remove(Capability(5), PendingRemoval.Fetched, StartMs));
            Assert.Equal(10, PollAll(table, Hash(1)).Count);
            Assert.Equal(11, table.Count);
            await table.DisposeAsync();
        }

        // Closed whole this time: the next open moves nothing, and what the client saw stays where it was.
        List<ulong> sequences;
        using (var table = _fixture.Open())
        {
            sequences = [.. PollAll(table, Hash(1)).Select(r => r.Sequence)];
            await table.DisposeAsync();
        }

        using (var table = _fixture.Open())
        {
            Assert.Equal(sequences, PollAll(table, Hash(1)).Select(r => r.Sequence));
        }
    }

    [Fact]
    public async Task A_table_nothing_was_written_to_checkpoints_without_writing()
    {
        // A node stopped before any notification arrived checkpoints a table nothing was written to. At the default sizes
        // a full checkpoint writes 1.1 GiB of empty hash index (30 s on this machine), which held up the node's stop: a
        // table unchanged since it opened or since its last checkpoint is already on disk as it stands.
        var directory = Path.Combine(_fixture.Directory, "defaults");
        using (var table = new PendingTable(new PendingTableOptions { DataDirectory = directory }))
        {
            await table.TakeCheckpointAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Empty(table.Poll(Hash(1), 0, 100).References);
            await table.TakeCheckpointAsync().WaitAsync(TimeSpan.FromSeconds(20));
            await table.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(0, SizeOfCheckpoints(directory));
        using (var table = _fixture.Open())
        {
            Assert.Empty(table.Poll(Hash(1), 0, 100).References);
            await table.TakeCheckpointAsync();
            Assert.Equal(0, SizeOfCheckpoints(Path.Combine(_fixture.Directory, "pending")));

            // A write is checkpointed, and the checkpoint after it (nothing written since) adds nothing.
            Insert(table, Capability(1), Hash(1));
            await table.TakeCheckpointAsync();
            var size = SizeOfCheckpoints(Path.Combine(_fixture.Directory, "pending"));
            Assert.True(size > 0);
            await table.TakeCheckpointAsync();
            Assert.Equal(size, SizeOfCheckpoints(Path.Combine(_fixture.Directory, "pending")));

            // So is a removal alone.
            Assert.True(table.Remove(Capability(1), PendingRemoval.Fetched, StartMs));
            await table.DisposeAsync();
        }

        using (var table = _fixture.Open())
        {
            Assert.Equal(0, table.Count);
            Assert.Equal(PendingInsertStatus.Tombstoned, Insert(table, Capability(1), Hash(1)).Status);
        }
    }

    private static long SizeOfCheckpoints(string directory) => System.IO.Directory.Exists(directory)
        ? System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => f.Contains("checkpoints", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length)
        : 0;

    [Fact]
    public async Task A_crash_between_the_stores_checkpoints_leaves_no_capability_that_turns_its_retransmission_away()
    {
        using (var table = _fixture.Open())
        {
            for (var i = 0; i < 10; i++)
            {
                Insert(table, Capability(i), Hash(1));
            }

            await table.TakeCheckpointAsync();

            // In the capability and recipient stores' next checkpoint, not the reference store's: the crash came between.
            for (var i = 10; i < 20; i++)
            {
                Insert(table, Capability(i), Hash(1));
            }

            await table.TakeCheckpointCutBeforeReferencesAsync();
        }

        _fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var table = _fixture.Open())
        {
            Assert.Equal(10, table.Count);
            Assert.Equal(10, PollAll(table, Hash(1)).Count);

            // The sender's retransmission of a reference the crash lost files it again, and the client lists it.
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(15), Hash(1)).Status);
            Assert.Contains(Capability(15), PollAll(table, Hash(1)).Select(r => r.Capability));

            // The hash counts what it lists: removing the recovered ten leaves the refiled one listed.
            for (var i = 0; i < 10; i++)
            {
                Assert.True(table.Remove(Capability(i), PendingRemoval.Fetched, StartMs));
            }

            Assert.Equal(Capability(15), Assert.Single(PollAll(table, Hash(1))).Capability);
        }
    }

    [Fact]
    public async Task Counters_are_recounted_when_they_do_not_match_the_recovered_checkpoint()
    {
        using (var table = _fixture.Open())
        {
            for (var i = 0; i < 50; i++)
            {
                Insert(table, Capability(i), Hash(i % 5), domain: i < 20 ? "a.example" : "b.example");
            }

            await table.TakeCheckpointAsync();
        }

        File.Delete(Path.Combine(_fixture.Directory, "pending", "counters.bin"));
        using (var table = _fixture.Open())
        {
            Assert.Equal(50, table.Count);
            Assert.Equal(50, Enumerable.Range(0, 5).Sum(h => PollAll(table, Hash(h)).Count));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_poll_of_references_on_disk_reads_them_window_by_window_in_order_and_skips_the_removed(bool readAhead)
    {
        const int Hashes = 200;
        const int PerHash = 150;
        using var table = _fixture.Open(o =>
        {
            o.ReadAhead = readAhead;
            o.PageBytes = 1L << 14;
            o.RefLogMemoryBytes = 1L << 16;
            o.RefIndexBytes = 1L << 20;
            o.SegmentBytes = 1L << 24;
            o.MaxEntriesPerRecipientHash = PerHash;
        });

        // Interleaved by hash, so that one hash's references lie far apart on disk.
        InsertInterleaved(table, Hashes, PerHash);

        // Holes inside and across windows: every seventh reference, and a run of 70 that spans a whole window.
        bool Removed(int round) => round % 7 == 3 || round is >= 60 and < 130;
        for (var h = 0; h < Hashes; h++)
        {
            for (var round = 0; round < PerHash; round++)
            {
                if (Removed(round))
                {
                    table.Remove(Capability(((long)h * PerHash) + round), PendingRemoval.Fetched, StartMs);
                }
            }
        }

        var (begin, head, tail) = table.RefLogAddresses;
        Assert.True(head - begin > (tail - begin) * 9 / 10, $"expected most references on disk: begin {begin}, head {head}, tail {tail}");
        foreach (var h in new[] { 0, 57, 199 })
        {
            var expected = Enumerable.Range(0, PerHash).Where(round => !Removed(round)).Select(round => Capability(((long)h * PerHash) + round)).ToList();
            var whole = table.Poll(Hash(h), 0, PendingTable.MaxPollLimit);
            Assert.Equal(expected, whole.References.Select(r => r.Capability));
            Assert.All(whole.References, r => Assert.Equal(PayloadHashOf(r.Capability), r.PayloadHash));
            Assert.Equal(whole.References.Select(r => r.Sequence).Order(), whole.References.Select(r => r.Sequence));
            Assert.False(whole.HasMore);

            // Pages of 50 stop exactly after their last reference, as a scan one by one would.
            var first = table.Poll(Hash(h), 0, 50);
            Assert.Equal(expected.Take(50), first.References.Select(r => r.Capability));
            Assert.Equal(first.References[^1].Sequence, first.NextCursor);
            Assert.Equal(expected, PollAll(table, Hash(h), 50).Select(r => r.Capability));
        }
    }

    [Fact]
    public async Task Larger_than_memory_table_spills_to_disk_and_polls_everything_back()
    {
        // 60 000 references in logs of 64 KiB memory: nearly all of them, and most recipient states, live on disk only.
        const int Hashes = 6_000;
        const int PerHash = 10;
        using var table = _fixture.Open(o =>
        {
            o.PageBytes = 1L << 14;
            o.RefLogMemoryBytes = 1L << 16;
            o.CapabilityLogMemoryBytes = 1L << 16;
            o.RecipientLogMemoryBytes = 1L << 16;
            o.RefIndexBytes = 1L << 20;
            o.CapabilityIndexBytes = 1L << 20;
            o.RecipientIndexBytes = 1L << 18;
            o.SegmentBytes = 1L << 24;
            o.MaxEntriesPerRecipientHash = PerHash;
        });

        // Interleaved by hash so that recipient states, too, are read back from disk.
        InsertInterleaved(table, Hashes, PerHash);

        Assert.Equal(Hashes * PerHash, table.Count);
        var (begin, head, tail) = table.RefLogAddresses;
        Assert.True(head - begin > (tail - begin) * 9 / 10, $"expected most references on disk: begin {begin}, head {head}, tail {tail}");

        for (var h = 0; h < Hashes; h++)
        {
            var references = PollAll(table, Hash(h), 4);
            Assert.Equal(PerHash, references.Count);
            for (var round = 0; round < PerHash; round++)
            {
                Assert.Equal(Capability(((long)h * PerHash) + round), references[round].Capability);
                Assert.Equal(PayloadHashOf(references[round].Capability), references[round].PayloadHash);
            }
        }

        // A hash at its cap refuses while its state lives on disk only.
        Assert.Equal(PendingInsertResult.Full(PendingCap.RecipientHash), Insert(table, Capability(-1), Hash(1)));

        // Idempotency holds for capabilities whose entries live on disk only.
        Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(5), Hash(0)).Status);
        Assert.True(table.Remove(Capability(5), PendingRemoval.Fetched, StartMs));
        Assert.Equal(PendingInsertStatus.Tombstoned, Insert(table, Capability(5), Hash(0)).Status);
        await table.TakeCheckpointAsync();
    }

    /// <summary>Inserts reference r of hash h as capability h × perHash + r, round by round across the hashes.</summary>
    private static void InsertInterleaved(PendingTable table, int hashes, int perHash)
    {
        for (var round = 0; round < perHash; round++)
        {
            for (var h = 0; h < hashes; h++)
            {
                Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(((long)h * perHash) + round), Hash(h)).Status);
            }
        }
    }
}
