using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Pending;

public sealed class PendingTableTests : IDisposable
{
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Prefetching_a_batch_changes_nothing_and_its_guesses_never_become_sequences()
    {
        using var table = _fixture.Open();
        var a = Hash(1);
        var first = Insert(table, Capability(0), a);

        // Hints guess ahead for every prefetched record of a hash, including records never inserted.
        var capabilities = Enumerable.Range(1, 300).Select(i => Capability(i)).ToArray();
        var hashes = Enumerable.Repeat(a, capabilities.Length).ToArray();
        table.Prefetch(capabilities, hashes);
        table.Prefetch(capabilities, hashes);
        Assert.Equal(1, table.Count);
        Assert.Single(table.Poll(a, 0, 10).References);

        var second = Insert(table, Capability(1), a);
        table.Prefetch([Capability(2), Capability(9_999)], [a, Hash(2)]);
        var third = Insert(table, Capability(2), a);

        Assert.Equal(first.Sequence + 1, second.Sequence);
        Assert.Equal(second.Sequence + 1, third.Sequence);
        Assert.Equal([Capability(0), Capability(1), Capability(2)], table.Poll(a, 0, 10).References.Select(r => r.Capability));
        Assert.Empty(table.Poll(Hash(2), 0, 10).References);
        Assert.Throws<ArgumentException>(() => table.Prefetch([Capability(1)], []));
    }

    [Fact]
    public void Insert_then_poll_pages_by_cursor_in_sequence_order()
    {
        using var table = _fixture.Open();
        var a = Hash(1);
        var b = Hash(2);
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(i), a).Status);
        }

        for (var i = 100; i < 103; i++)
        {
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(i), b, domain: "other.example", mime: "").Status);
        }

        Assert.Equal(28, table.Count);

        var first = table.Poll(a, 0, 10);
        Assert.Equal(10, first.References.Count);
        Assert.True(first.HasMore);
        var second = table.Poll(a, first.NextCursor, 10);
        Assert.Equal(10, second.References.Count);
        var third = table.Poll(a, second.NextCursor, 10);
        Assert.Equal(5, third.References.Count);
        Assert.False(third.HasMore);
        var empty = table.Poll(a, third.NextCursor, 10);
        Assert.Empty(empty.References);
        Assert.Equal(third.NextCursor, empty.NextCursor);

        var all = first.References.Concat(second.References).Concat(third.References).ToList();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => Capability(i)), all.Select(r => r.Capability));
        Assert.Equal(all.Select(r => r.Sequence).Order(), all.Select(r => r.Sequence));
        Assert.Equal(25, all.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal(all[^1].Sequence, third.NextCursor);

        var reference = all[3];
        Assert.Equal("sender.example", reference.SenderDomain);
        Assert.Equal(new Bytes32(SenderKey), reference.SenderKey);
        Assert.Equal(ExpiryMs, reference.TransitExpiryMs);
        Assert.Equal(1234, reference.PayloadSize);
        Assert.Equal(PayloadHashOf(Capability(3)), reference.PayloadHash);
        Assert.Equal("text/plain", reference.MimeHint);
        Assert.Equal(["https://tern.example.org/v1/blobs", "tern+tcp://tern.example.org:7443"], reference.FetchHints);
        Assert.Equal(StartMs, reference.ReceivedAtMs);
        Assert.Equal(3, reference.Attempt);
        Assert.Equal(NotificationFlags.None, reference.Flags);

        var others = PollAll(table, b);
        Assert.Equal(3, others.Count);
        Assert.All(others, r => Assert.Equal("", r.MimeHint));
        Assert.Empty(table.Poll(Hash(3), 0, 10).References);
        Assert.Equal(25, table.GetSenderDomainCount("sender.example"));
        Assert.Equal(3, table.GetSenderDomainCount("other.example"));
        Assert.Equal(0, table.GetSenderDomainCount("never.example"));
    }

    [Fact]
    public void Insert_is_idempotent_by_capability()
    {
        using var table = _fixture.Open();
        var inserted = Insert(table, Capability(1), Hash(1));
        Assert.Equal(PendingInsertStatus.Inserted, inserted.Status);

        // A retransmission, even one claiming another hash or domain, changes nothing.
        Assert.Equal(PendingInsertResult.Duplicate(inserted.Sequence), Insert(table, Capability(1), Hash(1)));
        Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(1), Hash(2), domain: "other.example").Status);
        Assert.Equal(1, table.Count);
        Assert.Equal(1, table.GetSenderDomainCount("sender.example"));
        Assert.Equal(0, table.GetSenderDomainCount("other.example"));
        Assert.Single(PollAll(table, Hash(1)));
        Assert.Empty(PollAll(table, Hash(2)));
    }

    [Fact]
    public void Removal_leaves_a_tombstone_that_blocks_replays_until_the_retention_passes()
    {
        using var table = _fixture.Open();
        Insert(table, Capability(1), Hash(1));
        Insert(table, Capability(2), Hash(1));
        Assert.True(table.Remove(Capability(1), PendingRemoval.Fetched));
        Assert.False(table.Remove(Capability(1), PendingRemoval.Fetched));
        Assert.False(table.Remove(Capability(9), PendingRemoval.Retracted));
        Assert.Equal(1, table.Count);
        Assert.Equal(1, table.GetSenderDomainCount("sender.example"));
        Assert.Equal([Capability(2)], PollAll(table, Hash(1)).Select(r => r.Capability));

        // A replay inside the window (§4.5) is refused; the same capability is accepted once the tombstone lapsed.
        Assert.Equal(PendingInsertStatus.Tombstoned, Insert(table, Capability(1), Hash(1), receivedAtMs: StartMs + 719_999).Status);
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(1), Hash(1), receivedAtMs: StartMs + 720_000).Status);
        Assert.Equal(2, PollAll(table, Hash(1)).Count);
    }

    [Fact]
    public void Sweep_expires_references_and_drops_lapsed_tombstones()
    {
        using var table = _fixture.Open();
        for (var i = 0; i < 10; i++)
        {
            Insert(table, Capability(i), Hash(i % 3), expiryMs: i < 4 ? StartMs + 1000 : ExpiryMs);
        }

        Assert.True(table.Remove(Capability(9), PendingRemoval.Retracted, StartMs));

        // Expired references are hidden from polls before any sweep.
        _fixture.Clock.Advance(TimeSpan.FromMilliseconds(1000)); // StartMs + 1000
        Assert.Equal(5, Enumerable.Range(0, 3).Sum(h => PollAll(table, Hash(h)).Count));

        Assert.Equal(4, table.SweepExpired(StartMs + 1000));
        Assert.Equal(5, table.Count);
        Assert.Equal(5, table.GetSenderDomainCount("sender.example"));
        Assert.Equal(0, table.SweepExpired(StartMs + 1000));

        // The expired ones are tombstoned like any removal.
        Assert.Equal(PendingInsertStatus.Tombstoned, Insert(table, Capability(0), Hash(0), receivedAtMs: StartMs + 2000).Status);

        // Past the retention the sweep drops both tombstones (expired and retracted); the capabilities are new again.
        Assert.Equal(0, table.SweepExpired(StartMs + 1000 + 720_000));
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(0), Hash(0), receivedAtMs: StartMs + 800_000).Status);
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(9), Hash(0), receivedAtMs: StartMs + 800_000).Status);
        Assert.Equal(7, table.Count);
    }

    [Fact]
    public void Caps_per_sender_domain_and_per_recipient_hash_refuse_and_name_the_cap()
    {
        using var table = _fixture.Open(o =>
        {
            o.MaxEntriesPerSenderDomain = 3;
            o.MaxEntriesPerRecipientHash = 2;
        });

        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(1), Hash(1)).Status);
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(2), Hash(1)).Status);
        Assert.Equal(PendingInsertResult.Full(PendingCap.RecipientHash), Insert(table, Capability(3), Hash(1)));
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(4), Hash(2)).Status);
        Assert.Equal(PendingInsertResult.Full(PendingCap.SenderDomain), Insert(table, Capability(5), Hash(3)));
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(6), Hash(3), domain: "other.example").Status);

        // Refusals charge nothing; a removal makes room again.
        Assert.Equal(3, table.GetSenderDomainCount("sender.example"));
        Assert.Equal(4, table.Count);
        Assert.True(table.Remove(Capability(1), PendingRemoval.Fetched));
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(3), Hash(1)).Status);
        Assert.Equal([Capability(2), Capability(3)], PollAll(table, Hash(1)).Select(r => r.Capability));
    }

    [Theory]
    [InlineData(1L << 12)] // 64 buckets: most keys share a tag's bucket or live in overflow buckets
    [InlineData(1L << 29)] // the default: most buckets hold one key
    public void Every_filed_capability_is_found_again_whatever_its_bucket_holds(long capabilityIndexBytes)
    {
        // Idempotence must not depend on how crowded a capability's index bucket is.
        using var table = _fixture.Open(o =>
        {
            o.CapabilityIndexBytes = capabilityIndexBytes;
            o.MaxEntriesPerSenderDomain = 100_000;
        });
        const int Count = 3000;
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(i), Hash(i % 50)).Status);
        }

        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(PendingInsertStatus.Duplicate, Insert(table, Capability(i), Hash(i % 50)).Status);
        }

        for (var i = 0; i < Count; i += 3)
        {
            Assert.True(table.Remove(Capability(i), PendingRemoval.Fetched));
        }

        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(i % 3 == 0 ? PendingInsertStatus.Tombstoned : PendingInsertStatus.Duplicate, Insert(table, Capability(i), Hash(i % 50)).Status);
        }

        Assert.Equal(Count - ((Count + 2) / 3), table.Count);
    }

    [Fact]
    public void A_hash_emptied_by_removals_fills_again_up_to_its_whole_cap()
    {
        // The states of recently used hashes are cached: the deletion of the last reference's state must reach the
        // cache, or the emptied hash would come back with the count it had before.
        using var table = _fixture.Open(o => o.MaxEntriesPerRecipientHash = 2);
        Insert(table, Capability(1), Hash(1));
        Insert(table, Capability(2), Hash(1));
        Assert.True(table.Remove(Capability(1), PendingRemoval.Fetched));
        Assert.True(table.Remove(Capability(2), PendingRemoval.Fetched));

        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(3), Hash(1)).Status);
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(4), Hash(1)).Status);
        Assert.Equal(PendingInsertResult.Full(PendingCap.RecipientHash), Insert(table, Capability(5), Hash(1)));
        Assert.Equal([Capability(3), Capability(4)], PollAll(table, Hash(1)).Select(r => r.Capability));
    }

    [Fact]
    public void Cursors_stay_valid_when_a_hash_empties_and_fills_again()
    {
        using var table = _fixture.Open();
        Insert(table, Capability(1), Hash(1));
        var page = table.Poll(Hash(1), 0, 10);
        Assert.True(table.Remove(Capability(1), PendingRemoval.Fetched));
        Assert.Empty(table.Poll(Hash(1), page.NextCursor, 10).References);

        // The hash's state was deleted with its last reference; the next one still sorts after the old cursor,
        // even when the clock went backwards.
        Insert(table, Capability(2), Hash(1), receivedAtMs: StartMs - 60_000);
        Assert.Equal([Capability(2)], table.Poll(Hash(1), page.NextCursor, 10).References.Select(r => r.Capability));
    }

    [Fact]
    public void Poll_skips_holes_and_stops_at_the_scan_bound()
    {
        using var table = _fixture.Open(o => o.MaxPollScan = 8);
        for (var i = 0; i < 40; i++)
        {
            Insert(table, Capability(i), Hash(1));
        }

        for (var i = 1; i < 39; i++)
        {
            table.Remove(Capability(i), PendingRemoval.Fetched, StartMs);
        }

        var first = table.Poll(Hash(1), 0, 10);
        Assert.Equal([Capability(0)], first.References.Select(r => r.Capability));
        Assert.True(first.HasMore);
        Assert.Equal([Capability(0), Capability(39)], PollAll(table, Hash(1), 10).Select(r => r.Capability));
    }

    [Fact]
    public async Task A_poll_racing_inserts_never_moves_its_cursor_past_a_reference_it_did_not_return()
    {
        using var table = _fixture.Open();
        const int PerHash = 4000;

        // Several hashes: the race is likeliest while a hash's state is new.
        for (var h = 0; h < 5; h++)
        {
            var hash = Hash(h);
            var expected = Enumerable.Range(h * PerHash, PerHash).Select(i => Capability(i)).ToList();
            var writer = Task.Run(() =>
            {
                foreach (var capability in expected)
                {
                    Assert.Equal(PendingInsertStatus.Inserted, Insert(table, capability, hash).Status);
                }
            });

            // A client polling with its cursor while references arrive: it must see every one, once, in order.
            var seen = new List<FetchCapability>();
            ulong cursor = 0;
            while (true)
            {
                // Whether the writer had finished before this poll began: only then may an empty page end the loop.
                var writerDone = writer.IsCompleted;
                var page = table.Poll(hash, cursor, 100);
                seen.AddRange(page.References.Select(r => r.Capability));
                cursor = page.NextCursor;
                Assert.True(seen.Count <= PerHash);
                if (writerDone && page.References.Count == 0 && !page.HasMore)
                {
                    break;
                }
            }

            await writer;
            Assert.Equal(expected, seen);
        }
    }

    [Fact]
    public void Concurrent_inserts_of_the_same_capabilities_file_each_once()
    {
        using var table = _fixture.Open();
        const int Count = 2000;
        var inserted = 0;
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < Count; i++)
            {
                if (Insert(table, Capability(i), Hash(i % 16)).Status == PendingInsertStatus.Inserted)
                {
                    Interlocked.Increment(ref inserted);
                }
            }
        });

        Assert.Equal(Count, inserted);
        Assert.Equal(Count, table.Count);
        var all = Enumerable.Range(0, 16).SelectMany(h => PollAll(table, Hash(h))).ToList();
        Assert.Equal(Count, all.Count);
        Assert.Equal(Count, all.Select(r => r.Capability).Distinct().Count());
    }

    [Fact]
    public void Options_are_validated_with_errors_that_name_the_setting()
    {
        Assert.Contains("DataDirectory", Assert.Throws<ArgumentException>(() => new PendingTable(new PendingTableOptions())).Message);
        Assert.Contains("RefIndexBytes", Assert.Throws<ArgumentException>(() => _fixture.Open(o => o.RefIndexBytes = 3000)).Message);
        Assert.Contains("RefLogMemoryBytes", Assert.Throws<ArgumentException>(() => _fixture.Open(o => o.RefLogMemoryBytes = o.PageBytes)).Message);
        Assert.Contains("720", Assert.Throws<ArgumentException>(() => _fixture.Open(o => o.TombstoneRetention = TimeSpan.FromSeconds(60))).Message);
        Assert.Contains("MaxEntriesPerRecipientHash", Assert.Throws<ArgumentException>(() => _fixture.Open(o => o.MaxEntriesPerRecipientHash = 0)).Message);

        using var table = _fixture.Open();
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Poll(Hash(1), 0, 0));
        Assert.Throws<ArgumentException>(() => table.TryInsert(default, new byte[31], StartMs));
    }
}
