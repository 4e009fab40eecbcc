using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Ingest;
using Tern.Engine.Tests.Vectors;

namespace Tern.Engine.Tests.Protocol;

/// <summary>The field rules of docs/PROTOCOL.md §4.1–4.2 that the first edition left open, on the body parser and the writer.</summary>
public sealed class RecordRuleTests : IDisposable
{
    private const long Now = NotificationFixture.Now;
    private readonly NotificationFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static DropReason Parse(DatagramType type, params byte[][] records) => DatagramBody.TryParse(type, SpecLayout.DatagramBody(Now, records), out _);

    private static byte[] Notification(NotificationFlags flags = NotificationFlags.None, ushort attempt = 1)
        => RawDatagrams.Notification(FetchCapability.NewRandom(), RecipientHash.NewRandom(), Now + 60_000, flags: flags, attempt: attempt);

    [Fact]
    public void Every_reserved_flag_bit_makes_either_kind_of_record_malformed_4_2()
    {
        Assert.Equal(DropReason.None, Parse(DatagramType.Notification, Notification(NotificationFlags.ViaGateway)));
        Assert.Equal(DropReason.None, Parse(DatagramType.Retraction, RawDatagrams.Retraction(FetchCapability.NewRandom(), RecipientHash.NewRandom(), RetractionFlags.AfterFetch)));
        for (var bit = 1; bit < 8; bit++)
        {
            var flag = (byte)(1 << bit);
            Assert.Equal(DropReason.Malformed, Parse(DatagramType.Notification, Notification((NotificationFlags)flag)));
            Assert.Equal(DropReason.Malformed, Parse(DatagramType.Retraction, RawDatagrams.Retraction(FetchCapability.NewRandom(), RecipientHash.NewRandom(), (RetractionFlags)flag)));
        }
    }

    [Fact]
    public void Attempt_0_is_malformed_and_the_writer_refuses_it_while_1_and_65535_are_fine_4_2()
    {
        Assert.Equal(DropReason.Malformed, Parse(DatagramType.Notification, Notification(attempt: 0)));
        Assert.Equal(DropReason.None, Parse(DatagramType.Notification, Notification(attempt: 1)));
        Assert.Equal(DropReason.None, Parse(DatagramType.Notification, Notification(attempt: ushort.MaxValue)));

        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        Assert.Throws<ArgumentException>(() =>
        {
            var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, Now);
            writer.TryAdd(NotificationFixture.Record(FetchCapability.NewRandom(), RecipientHash.NewRandom(), "a.example"u8, default, default, attempt: 0));
        });
    }

    [Fact]
    public void A_zero_payload_size_and_a_hint_of_an_unknown_scheme_are_valid_4_2()
    {
        Assert.True(FetchHintList.TryCreate(FetchHintList.Encode(["gopher://node.a.example:70", "not even a uri"]), out var hints));
        var record = new NotificationRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), Now + 60_000, 0, Bytes32.Random(), 1,
            NotificationFlags.None, "a.example"u8, default, hints);
        var bytes = new byte[record.EncodedLength];
        record.Write(bytes);

        Assert.True(record.IsValid);
        Assert.Equal(DropReason.None, DatagramBody.TryParse(DatagramType.Notification, SpecLayout.DatagramBody(Now, [bytes]), out var body));
        foreach (var parsed in body.Notifications)
        {
            Assert.Equal(0, parsed.PayloadSize);
            Assert.Equal(2, parsed.FetchHints.Count);
        }
    }

    [Fact]
    public void A_record_has_no_type_byte_so_it_starts_with_its_capability_and_parses_only_as_its_datagrams_type_4_1()
    {
        var capability = FetchCapability.NewRandom();
        var notification = RawDatagrams.Notification(capability, RecipientHash.NewRandom(), Now + 60_000);
        var retraction = RawDatagrams.Retraction(capability, RecipientHash.NewRandom());

        Assert.Equal(capability.Value.ToArray(), notification[..32]);
        Assert.Equal(capability.Value.ToArray(), retraction[..32]);
        Assert.Equal(DropReason.Malformed, Parse(DatagramType.Retraction, notification));
        Assert.Equal(DropReason.Malformed, Parse(DatagramType.Notification, retraction));
    }
}
