using Tern.Engine.Crypto;
using Tern.Engine.Ingest;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Pending;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// docs/PROTOCOL.md §11 through the ingest and a real pending table: a retraction removes a reference only when its
/// capability, recipient hash and sender key all match the notification that filed it; anything else changes nothing,
/// is no drop, and is counted as unmatched rather than applied.
/// </summary>
public sealed class RetractionMatchingTests : IDisposable
{
    private const long Now = NotificationFixture.Now;
    private readonly NotificationFixture _f = new();
    private readonly PendingFixture _pending = new();

    public RetractionMatchingTests() => _pending.Clock.NowMs = Now;

    public void Dispose()
    {
        _f.Dispose();
        _pending.Dispose();
    }

    [Fact]
    public void Only_a_notice_matching_capability_hash_and_key_is_applied_and_counted_as_applied()
    {
        using var table = _pending.Open();
        using var stranger = DomainKeySet.Generate("mallory.example");
        var ingest = new NotificationIngest(_f.Receiver, new PendingTableSink(table), new RecordingSink(), new IngestOptions());
        var capability = FetchCapability.NewRandom();
        var hash = RecipientHash.NewRandom();
        Assert.Equal(DropReason.None, ingest.Process(Notice(_f.Sender, DatagramType.Notification, RawDatagrams.Notification(capability, hash, Now + 86_400_000)), 1, Now));

        // Each of these leaves the reference where it is.
        Retract(ingest, stranger, RawDatagrams.Retraction(capability, hash));
        Retract(ingest, _f.Sender, RawDatagrams.Retraction(capability, RecipientHash.NewRandom()));
        Retract(ingest, _f.Sender, RawDatagrams.Retraction(capability, hash, RetractionFlags.AfterFetch));
        Retract(ingest, _f.Sender, RawDatagrams.Retraction(FetchCapability.NewRandom(), hash));
        Assert.Single(PendingFixture.PollAll(table, hash));
        Assert.Equal((0L, 4L), (ingest.Counters.RetractionsApplied, ingest.Counters.RetractionsUnmatched));

        // sender_domain is not compared: the key binds the sender.
        Retract(ingest, _f.Sender, RawDatagrams.Retraction(capability, hash, domain: "other.example"));
        Assert.Empty(PendingFixture.PollAll(table, hash));
        Assert.Equal((1L, 4L), (ingest.Counters.RetractionsApplied, ingest.Counters.RetractionsUnmatched));

        // Once removed, the same notice matches nothing.
        Retract(ingest, _f.Sender, RawDatagrams.Retraction(capability, hash));
        Assert.Equal((1L, 5L), (ingest.Counters.RetractionsApplied, ingest.Counters.RetractionsUnmatched));
        Assert.Equal(0, ingest.Counters.TotalDrops);
    }

    private byte[] Notice(DomainKeySet sender, DatagramType type, byte[] record) => RawDatagrams.Seal(sender, _f.Receiver, type, Now, record);

    private void Retract(NotificationIngest ingest, DomainKeySet sender, byte[] record)
        => Assert.Equal(DropReason.None, ingest.Process(Notice(sender, DatagramType.Retraction, record), 1, Now));
}
