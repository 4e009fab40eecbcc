using Tern.Engine.Crypto;
using Tern.Engine.Ingest;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Pending;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// docs/PROTOCOL.md §4.5: the first record accepted for a capability is kept as it came; later ones — retransmissions with
/// a higher attempt, or records whose other fields differ, from any key — are accepted and change nothing.
/// </summary>
public sealed class FilingIdempotenceTests : IDisposable
{
    private const long Now = NotificationFixture.Now;
    private const long Day = 86_400_000;
    private readonly NotificationFixture _f = new();
    private readonly PendingFixture _pending = new();

    public FilingIdempotenceTests() => _pending.Clock.NowMs = Now;

    public void Dispose()
    {
        _f.Dispose();
        _pending.Dispose();
    }

    [Fact]
    public void A_later_record_for_a_pending_capability_updates_neither_attempt_nor_any_other_field()
    {
        using var table = _pending.Open();
        using var stranger = DomainKeySet.Generate("mallory.example");
        var ingest = new NotificationIngest(_f.Receiver, new PendingTableSink(table), new RecordingSink(), new IngestOptions());
        var capability = FetchCapability.NewRandom();
        var hash = RecipientHash.NewRandom();

        Process(ingest, _f.Sender, RawDatagrams.Notification(capability, hash, Now + Day, attempt: 1, mime: "text/plain"));
        Process(ingest, _f.Sender, RawDatagrams.Notification(capability, hash, Now + (2 * Day), attempt: 5, mime: "image/png"));
        Process(ingest, stranger, RawDatagrams.Notification(capability, hash, Now + (3 * Day), domain: "mallory.example", attempt: 9));

        var filed = Assert.Single(PendingFixture.PollAll(table, hash));
        Assert.Equal((1, Now + Day, "text/plain", "a.example"), (filed.Attempt, filed.TransitExpiryMs, filed.MimeHint, filed.SenderDomain));
        Assert.Equal(new Bytes32(_f.Sender.AgreementPublicKey), filed.SenderKey);
        Assert.Equal(3, ingest.Counters.RecordsAccepted);
        Assert.Equal(0, ingest.Counters.TotalDrops);
    }

    private void Process(NotificationIngest ingest, DomainKeySet sender, byte[] record)
        => Assert.Equal(DropReason.None, ingest.Process(RawDatagrams.Seal(sender, _f.Receiver, DatagramType.Notification, Now, record), 1, Now));
}
