using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// docs/PROTOCOL.md §4.5: the first record accepted for a capability is kept as it came; later ones — retransmissions with
/// a higher attempt, or records whose other fields differ, from any key — are accepted and change nothing but where to
/// fetch from (PendingTableRehintTests).
/// </summary>
public sealed class FilingIdempotenceTests : IDisposable
{
    private const long Now = PendingIngestFixture.Now;
    private const long Day = 86_400_000;
    private readonly PendingIngestFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void A_later_record_for_a_pending_capability_updates_neither_attempt_nor_any_other_field()
    {
        var capability = FetchCapability.NewRandom();
        var hash = RecipientHash.NewRandom();

        Notify(_f.Sender, RawDatagrams.Notification(capability, hash, Now + Day, attempt: 1, mime: "text/plain"));
        Notify(_f.Sender, RawDatagrams.Notification(capability, hash, Now + (2 * Day), attempt: 5, mime: "image/png"));
        Notify(_f.Stranger, RawDatagrams.Notification(capability, hash, Now + (3 * Day), domain: "mallory.example", attempt: 9));

        var filed = Assert.Single(_f.Filed(hash));
        Assert.Equal((1, Now + Day, "text/plain", "a.example"), (filed.Attempt, filed.TransitExpiryMs, filed.MimeHint, filed.SenderDomain));
        Assert.Equal(new Bytes32(_f.Sender.AgreementPublicKey), filed.SenderKey);
        Assert.Equal(3, _f.Ingest.Counters.RecordsAccepted);
        Assert.Equal(0, _f.Ingest.Counters.TotalDrops);
    }

    private void Notify(DomainKeySet sender, byte[] record) => Assert.Equal(DropReason.None, _f.Notify(sender, record));
}
