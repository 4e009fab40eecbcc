using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// docs/PROTOCOL.md §11 through the ingest and a real pending table: a retraction removes a reference only when its
/// capability, recipient hash and sender key all match the notification that filed it; anything else changes nothing,
/// is no drop, and is counted as unmatched rather than applied.
/// </summary>
public sealed class RetractionMatchingTests : IDisposable
{
    private const long Now = PendingIngestFixture.Now;
    private readonly PendingIngestFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Only_a_notice_matching_capability_hash_and_key_is_applied_and_counted_as_applied()
    {
        var capability = FetchCapability.NewRandom();
        var hash = RecipientHash.NewRandom();
        var counters = _f.Ingest.Counters;
        Assert.Equal(DropReason.None, _f.Notify(_f.Sender, RawDatagrams.Notification(capability, hash, Now + 86_400_000)));

        // Each of these leaves the reference where it is.
        Retract(_f.Stranger, RawDatagrams.Retraction(capability, hash));
        Retract(_f.Sender, RawDatagrams.Retraction(capability, RecipientHash.NewRandom()));
        Retract(_f.Sender, RawDatagrams.Retraction(capability, hash, RetractionFlags.AfterFetch));
        Retract(_f.Sender, RawDatagrams.Retraction(FetchCapability.NewRandom(), hash));
        Assert.Single(_f.Filed(hash));
        Assert.Equal((0L, 4L), (counters.RetractionsApplied, counters.RetractionsUnmatched));

        // sender_domain is not compared: the key binds the sender.
        Retract(_f.Sender, RawDatagrams.Retraction(capability, hash, domain: "other.example"));
        Assert.Empty(_f.Filed(hash));
        Assert.Equal((1L, 4L), (counters.RetractionsApplied, counters.RetractionsUnmatched));

        // Once removed, the same notice matches nothing.
        Retract(_f.Sender, RawDatagrams.Retraction(capability, hash));
        Assert.Equal((1L, 5L), (counters.RetractionsApplied, counters.RetractionsUnmatched));
        Assert.Equal(0, counters.TotalDrops);
    }

    private void Retract(DomainKeySet sender, byte[] record) => Assert.Equal(DropReason.None, _f.Retract(sender, record));
}
