using System.Collections.Concurrent;
using System.Text;
using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Pending;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// <see cref="PendingTableSink.Filed"/> tells each new reference exactly once, however many ingest loops see its
/// retransmissions at once (the client API's <c>received</c> event hangs on it, docs/C2S.md §15).
/// </summary>
public sealed class PendingTableSinkFiledTests : IDisposable
{
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static NotificationRecord Record(FetchCapability capability, RecipientHash hash)
        => new(capability, hash, ExpiryMs, 1234, PayloadHashOf(capability), 1, NotificationFlags.None, Encoding.ASCII.GetBytes("sender.example"), default, default);

    [Fact]
    public async Task Four_loops_accepting_the_same_retransmissions_in_different_orders_file_each_capability_once()
    {
        const int References = 300;
        using var table = _fixture.Open();
        var sink = new PendingTableSink(table);
        var filed = new ConcurrentBag<FetchCapability>();
        sink.Filed = (in NotificationRecord record, bool _) =>
        {
            filed.Add(record.Capability);
            return null;
        };

        using var start = new Barrier(4);
        var loops = Enumerable.Range(0, 4).Select(loop => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < References; i++)
                {
                    var index = loop % 2 == 0 ? i : References - 1 - i;
                    sink.Accept(Record(Capability(index), Hash(index % 7)), SenderKey, PullPreference.WhenRequested, StartMs);
                }
            }
        })).ToArray();
        await Task.WhenAll(loops);

        Assert.Equal(References, filed.Count);
        Assert.Equal(References, filed.Distinct().Count());
        Assert.Equal(References, sink.Inserted);
        Assert.Equal((4 * 3 * References) - References, sink.Duplicates);
    }

    [Fact]
    public void Every_removal_is_reported_with_its_hash_and_reason_and_an_ignore_is_counted_apart_from_expiry()
    {
        using var table = _fixture.Open();
        var removed = new List<(FetchCapability, RecipientHash, PendingRemoval)>();
        table.Removed = (capability, hash, reason) => removed.Add((capability, hash, reason));
        Insert(table, Capability(1), Hash(1));
        Insert(table, Capability(2), Hash(2));
        Insert(table, Capability(3), Hash(3), expiryMs: StartMs + 1000);
        Insert(table, Capability(4), Hash(4));

        Assert.True(table.Remove(Capability(1), PendingRemoval.Ignored, StartMs));
        Assert.True(table.Retract(Capability(2), Hash(2), SenderKey, StartMs));
        Assert.Equal(1, table.SweepExpired(StartMs + 1000));
        Assert.True(table.Remove(Capability(4), PendingRemoval.Fetched, StartMs));

        // A second removal of the same capability is not reported again.
        Assert.False(table.Remove(Capability(1), PendingRemoval.Expired, StartMs));
        Assert.Equal(
            [(Capability(1), Hash(1), PendingRemoval.Ignored), (Capability(2), Hash(2), PendingRemoval.Retracted), (Capability(3), Hash(3), PendingRemoval.Expired), (Capability(4), Hash(4), PendingRemoval.Fetched)],
            removed);
        Assert.Equal(1, table.RemovedCount(PendingRemoval.Ignored));
        Assert.Equal(1, table.RemovedCount(PendingRemoval.Expired));
        Assert.Equal(1, table.RemovedCount(PendingRemoval.Retracted));
        Assert.Equal(1, table.RemovedCount(PendingRemoval.Fetched));

        // The ignored one keeps its tombstone until its transit expiry, since its sender retransmits until then (§4.6), not
        // only for the replay retention (720 s here) as a fetched one does.
        Assert.Equal(PendingInsertStatus.Tombstoned, Insert(table, Capability(1), Hash(1), receivedAtMs: StartMs + 720_001).Status);
        Assert.Equal(PendingInsertStatus.Tombstoned, Insert(table, Capability(1), Hash(1), receivedAtMs: ExpiryMs - 1).Status);
        Assert.Equal(PendingInsertStatus.Inserted, Insert(table, Capability(4), Hash(4), receivedAtMs: StartMs + 720_001).Status);
    }
}
