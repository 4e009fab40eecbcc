using System.Text;
using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Pending;
using Tern.Engine.Tests.Protocol;
using static Tern.Engine.Tests.Pending.PendingFixture;

namespace Tern.Engine.Tests.Ingest;

public sealed class PendingTableSinkTests : IDisposable
{
    private static readonly byte[] OtherKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private readonly PendingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static NotificationRecord Record(FetchCapability capability, RecipientHash hash, string domain = "sender.example")
        => new(capability, hash, ExpiryMs, 1234, PayloadHashOf(capability), 1, NotificationFlags.None, Encoding.ASCII.GetBytes(domain), default, default);

    private static void Retract(PendingTableSink sink, FetchCapability capability, RecipientHash hash, byte[] senderKey, RetractionFlags flags = RetractionFlags.None)
        => sink.Retract(new RetractionRecord(capability, hash, flags, "sender.example"u8), senderKey, StartMs + 1);

    [Fact]
    public void Accepted_records_are_filed_with_their_sender_key_and_retransmissions_are_not_drops()
    {
        using var table = _fixture.Open();
        var sink = new PendingTableSink(table);

        Assert.Equal(DropReason.None, sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.WhenRequested, StartMs));
        Assert.Equal(DropReason.None, sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.WhenRequested, StartMs + 5));

        var filed = Assert.Single(PollAll(table, Hash(1)));
        Assert.Equal(Capability(1), filed.Capability);
        Assert.Equal(new Bytes32(SenderKey), filed.SenderKey);
        Assert.Equal(StartMs, filed.ReceivedAtMs);
        Assert.Equal(1, sink.Inserted);
        Assert.Equal(1, sink.Duplicates);
    }

    [Fact]
    public void A_reached_cap_is_a_table_full_drop()
    {
        using var table = _fixture.Open(o => o.MaxEntriesPerRecipientHash = 1);
        var sink = new PendingTableSink(table);

        Assert.Equal(DropReason.None, sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.WhenRequested, StartMs));
        Assert.Equal(DropReason.TableFull, sink.Accept(Record(Capability(2), Hash(1)), SenderKey, PullPreference.WhenRequested, StartMs));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void A_retraction_removes_the_reference_only_from_the_key_and_hash_that_notified_it()
    {
        using var table = _fixture.Open();
        var sink = new PendingTableSink(table);
        sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.WhenRequested, StartMs);

        Retract(sink, Capability(1), Hash(1), OtherKey);
        Retract(sink, Capability(1), Hash(2), SenderKey);
        Retract(sink, Capability(9), Hash(1), SenderKey);
        Assert.Single(PollAll(table, Hash(1)));
        Assert.Equal(3, sink.RetractionsUnmatched);

        Retract(sink, Capability(1), Hash(1), SenderKey);
        Assert.Empty(PollAll(table, Hash(1)));
        Assert.Equal(0, table.Count);
        Assert.Equal(1, sink.Retracted);

        // A replay of the notification inside the tombstone retention neither resurrects it nor counts as a drop.
        Assert.Equal(DropReason.None, sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.WhenRequested, StartMs + 2));
        Assert.Empty(PollAll(table, Hash(1)));
        Assert.Equal(1, sink.ReplaysOfRemoved);
    }

    [Fact]
    public void An_after_fetch_retraction_leaves_the_table_alone()
    {
        using var table = _fixture.Open();
        var sink = new PendingTableSink(table);
        sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.WhenRequested, StartMs);

        Retract(sink, Capability(1), Hash(1), SenderKey, RetractionFlags.AfterFetch);

        Assert.Single(PollAll(table, Hash(1)));
        Assert.Equal(1, sink.RetractionsUnmatched);
    }

    [Fact]
    public void New_references_to_pull_immediately_go_to_the_queue_once()
    {
        using var table = _fixture.Open();
        var queue = new RecordingPullQueue();
        var sink = new PendingTableSink(table, queue);

        sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.Immediately, StartMs);
        sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.Immediately, StartMs);
        sink.Accept(Record(Capability(2), Hash(1)), SenderKey, PullPreference.WhenRequested, StartMs);
        queue.Accepting = false;
        sink.Accept(Record(Capability(3), Hash(1)), SenderKey, PullPreference.Immediately, StartMs);

        var queued = Assert.Single(queue.Queued);
        Assert.Equal((Capability(1), Hash(1)), (queued.Capability, queued.Hash));
        Assert.Equal(PollAll(table, Hash(1)).Single(r => r.Capability == Capability(1)).Sequence, queued.Sequence);
        Assert.Equal(1, sink.ImmediatePullsQueued);
        Assert.Equal(1, sink.ImmediatePullsDeferred);
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void Without_a_queue_immediate_references_stay_pending()
    {
        using var table = _fixture.Open();
        var sink = new PendingTableSink(table);

        Assert.Equal(DropReason.None, sink.Accept(Record(Capability(1), Hash(1)), SenderKey, PullPreference.Immediately, StartMs));

        Assert.Single(PollAll(table, Hash(1)));
        Assert.Equal(1, sink.ImmediatePullsDeferred);
    }

    [Fact]
    public void Datagrams_through_the_ingest_file_and_retract_references()
    {
        using var f = new PendingIngestFixture();
        var capability = FetchCapability.NewRandom();
        var hash = RecipientHash.NewRandom();
        var buffer = new byte[NotificationLimits.MaxDatagramSize];

        var writer = new DatagramWriter(buffer, DatagramType.Notification, f.Sender.AgreementPublicKey, PendingIngestFixture.Now);
        Assert.True(writer.TryAdd(NotificationFixture.Record(capability, hash, "a.example"u8, "message/822"u8, f.Keys.Hints)));
        Assert.Equal(DropReason.None, f.Ingest.Process(buffer.AsSpan(0, writer.Seal(f.Keys.SendKey)), 1, PendingIngestFixture.Now));

        var filed = Assert.Single(f.Filed(hash));
        Assert.Equal(capability, filed.Capability);
        Assert.Equal(new Bytes32(f.Sender.AgreementPublicKey), filed.SenderKey);
        Assert.Equal("a.example", filed.SenderDomain);

        writer = new DatagramWriter(buffer, DatagramType.Retraction, f.Sender.AgreementPublicKey, PendingIngestFixture.Now);
        Assert.True(writer.TryAdd(new RetractionRecord(capability, hash, RetractionFlags.None, "a.example"u8)));
        Assert.Equal(DropReason.None, f.Ingest.Process(buffer.AsSpan(0, writer.Seal(f.Keys.SendKey)), 1, PendingIngestFixture.Now));

        Assert.Empty(f.Filed(hash));
        Assert.Equal(0, f.Table.Count);
    }

    [Fact]
    public void A_retraction_sealed_by_another_key_cannot_remove_the_reference()
    {
        using var f = new PendingIngestFixture();
        var capability = FetchCapability.NewRandom();
        var hash = RecipientHash.NewRandom();
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, f.Sender.AgreementPublicKey, PendingIngestFixture.Now);
        Assert.True(writer.TryAdd(NotificationFixture.Record(capability, hash, "a.example"u8, default, default)));
        f.Ingest.Process(buffer.AsSpan(0, writer.Seal(f.Keys.SendKey)), 1, PendingIngestFixture.Now);

        var strangerKey = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveSending(f.Stranger, f.Keys.Receiver.AgreementPublicKey, strangerKey));
        writer = new DatagramWriter(buffer, DatagramType.Retraction, f.Stranger.AgreementPublicKey, PendingIngestFixture.Now);
        Assert.True(writer.TryAdd(new RetractionRecord(capability, hash, RetractionFlags.None, "a.example"u8)));
        Assert.Equal(DropReason.None, f.Ingest.Process(buffer.AsSpan(0, writer.Seal(strangerKey)), 2, PendingIngestFixture.Now));

        Assert.Single(f.Filed(hash));
    }

    [Fact]
    public void Datagram_to_pending_insert_allocates_nothing_per_datagram()
    {
        using var f = new PendingIngestFixture(table: o => o.PreallocateLogMemory = true, ingest: o => o.DatagramsPerSecondPerSource = 1_000_000);
        var ingest = f.Ingest;
        var hash = RecipientHash.NewRandom();
        var datagrams = Enumerable.Range(0, 4000).Select(_ =>
        {
            var buffer = new byte[NotificationLimits.MaxDatagramSize];
            var writer = new DatagramWriter(buffer, DatagramType.Notification, f.Sender.AgreementPublicKey, PendingIngestFixture.Now);
            Assert.True(writer.TryAdd(NotificationFixture.Record(FetchCapability.NewRandom(), hash, "a.example"u8, "message/822"u8, f.Keys.Hints)));
            return buffer[..writer.Seal(f.Keys.SendKey)];
        }).ToArray();

        // Every datagram is a new capability, so each round is 1000 real inserts; see the ingest test for why rounds.
        // FASTER allocates a little when the test's small log pages turn over: far below one object per datagram.
        var rounds = Enumerable.Range(0, 4).Select(r => NotificationIngestTests.AllocatedBy(() =>
        {
            for (var i = r * 1000; i < (r + 1) * 1000; i++)
            {
                ingest.Process(datagrams[i], 1, PendingIngestFixture.Now);
            }
        })).ToList();

        Assert.True(rounds.Skip(1).Min() < 4 * 1000, $"allocated per 1000 datagrams: {string.Join(", ", rounds)}");
        Assert.Equal(4000, f.Sink.Inserted);
    }

    private sealed class RecordingPullQueue : IImmediatePullQueue
    {
        public List<(FetchCapability Capability, RecipientHash Hash, ulong Sequence)> Queued { get; } = [];

        public bool Accepting { get; set; } = true;

        public bool TryEnqueue(FetchCapability capability, RecipientHash recipientHash, ulong sequence, Tern.Engine.Pending.PullAnnotation? annotation = null)
        {
            if (Accepting)
            {
                Queued.Add((capability, recipientHash, sequence));
            }

            return Accepting;
        }
    }
}
