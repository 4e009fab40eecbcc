using System.Text;
using System.Text.Json.Nodes;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Vectors;

/// <summary>notification-datagram.json and retraction-datagram.json (docs/PROTOCOL.md §4.1–4.3).</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Notification_datagram_encodes_from_its_fields()
    {
        var vector = VectorDocument.Load("notification-datagram.json");
        using var sender = VectorDocument.DomainKeys(vector["sender"].Text());
        var key = SendingKey(vector, sender);
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, sender.AgreementPublicKey, vector["nonce"].Hex(), vector["sent_at"].Int64());
        foreach (var record in vector["records"].Array())
        {
            var hints = FetchHintList.Encode(record!["fetch_hints"].Strings());
            Assert.True(FetchHintList.TryCreate(hints, out var hintList));
            Assert.True(writer.TryAdd(new NotificationRecord(
                new FetchCapability(record["capability"].Hex()),
                new RecipientHash(record["recipient_hash"].Hex()),
                record["transit_expiry"].Int64(),
                record["payload_size"].Int64(),
                new Bytes32(record["payload_hash"].Hex()),
                (ushort)record["attempt"].Int32(),
                (NotificationFlags)record["flags"].Int32(),
                record["sender_domain"].Ascii(),
                record["mime_hint"].Ascii(),
                hintList)));
        }

        var datagram = buffer[..writer.Seal(key)];

        Assert.Equal(vector["datagram"].Hex(), datagram);
        AssertSpecEncoding(vector, key, SpecLayout.NotificationRecord);
    }

    [Fact]
    public void Notification_datagram_decodes_to_its_fields()
    {
        var vector = VectorDocument.Load("notification-datagram.json");
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        var body = OpenAsReceiver(vector, vector["datagram"].Hex(), plaintext, new byte[NotificationKey.Size]);
        Assert.Equal(DatagramType.Notification, body.Type);

        var records = vector["records"].Array();
        var index = 0;
        foreach (var opened in body.Notifications)
        {
            var record = records[index++]!;
            Assert.Equal(new FetchCapability(record["capability"].Hex()), opened.Capability);
            Assert.Equal(new RecipientHash(record["recipient_hash"].Hex()), opened.RecipientHash);
            Assert.Equal(record["transit_expiry"].Int64(), opened.TransitExpiryMs);
            Assert.Equal(record["payload_size"].Int64(), opened.PayloadSize);
            Assert.Equal(new Bytes32(record["payload_hash"].Hex()), opened.PayloadHash);
            Assert.Equal(record["attempt"].Int32(), opened.Attempt);
            Assert.Equal((NotificationFlags)record["flags"].Int32(), opened.Flags);
            Assert.Equal(record["sender_domain"].Ascii(), opened.SenderDomain.ToArray());
            Assert.Equal(record["mime_hint"].Ascii(), opened.MimeHint.ToArray());
            var hints = new List<string>();
            foreach (var hint in opened.FetchHints)
            {
                hints.Add(Encoding.ASCII.GetString(hint));
            }

            Assert.Equal(record["fetch_hints"].Strings(), hints);
        }

        Assert.Equal(records.Count, index);
        foreach (var _ in body.Retractions)
        {
            Assert.Fail("a notification datagram has no retraction records");
        }
    }

    [Fact]
    public void Retraction_datagram_encodes_from_its_fields()
    {
        var vector = VectorDocument.Load("retraction-datagram.json");
        using var sender = VectorDocument.DomainKeys(vector["sender"].Text());
        var key = SendingKey(vector, sender);
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Retraction, sender.AgreementPublicKey, vector["nonce"].Hex(), vector["sent_at"].Int64());
        foreach (var record in vector["records"].Array())
        {
            Assert.True(writer.TryAdd(new RetractionRecord(
                new FetchCapability(record!["capability"].Hex()),
                new RecipientHash(record["recipient_hash"].Hex()),
                (RetractionFlags)record["flags"].Int32(),
                record["sender_domain"].Ascii())));
        }

        var datagram = buffer[..writer.Seal(key)];

        Assert.Equal(vector["datagram"].Hex(), datagram);
        AssertSpecEncoding(vector, key, SpecLayout.RetractionRecord);
    }

    [Fact]
    public void Retraction_datagram_decodes_to_its_fields()
    {
        var vector = VectorDocument.Load("retraction-datagram.json");
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        var body = OpenAsReceiver(vector, vector["datagram"].Hex(), plaintext, new byte[NotificationKey.Size]);
        Assert.Equal(DatagramType.Retraction, body.Type);

        var records = vector["records"].Array();
        var index = 0;
        foreach (var opened in body.Retractions)
        {
            var record = records[index++]!;
            Assert.Equal(new FetchCapability(record["capability"].Hex()), opened.Capability);
            Assert.Equal(new RecipientHash(record["recipient_hash"].Hex()), opened.RecipientHash);
            Assert.Equal((RetractionFlags)record["flags"].Int32(), opened.Flags);
            Assert.Equal(record["sender_domain"].Ascii(), opened.SenderDomain.ToArray());
        }

        Assert.Equal(records.Count, index);
        foreach (var _ in body.Notifications)
        {
            Assert.Fail("a retraction datagram has no notification records");
        }
    }

    /// <summary>The direction key from the sender's secrets, which must be the file's <c>key</c> and keys.json's.</summary>
    private static byte[] SendingKey(JsonNode vector, DomainKeySet sender)
    {
        using var receiver = VectorDocument.DomainKeys(vector["receiver"].Text());
        Assert.Equal(vector["sender_key"].Hex(), sender.AgreementPublicKey.ToArray());
        Assert.Equal(vector["receiver_key"].Hex(), receiver.AgreementPublicKey.ToArray());
        var key = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveSending(sender, receiver.AgreementPublicKey, key));
        Assert.Equal(vector["key"].Hex(), key);
        return key;
    }

    /// <summary>Records, body, header and sealed datagram rebuilt from the §4.1–4.2 tables and the bare AEAD.</summary>
    private static void AssertSpecEncoding(JsonNode vector, byte[] key, Func<JsonNode, byte[]> encodeRecord)
    {
        var records = new List<byte[]>();
        foreach (var record in vector["records"].Array())
        {
            var bytes = encodeRecord(record!);
            Assert.Equal(record!["record"].Hex(), bytes);
            records.Add(bytes);
        }

        var header = SpecLayout.DatagramHeader(vector);
        var body = SpecLayout.DatagramBody(vector["sent_at"].Int64(), records);
        Assert.Equal(vector["header"].Hex(), header);
        Assert.Equal(vector["plaintext_body"].Hex(), body);

        var sealedBody = new byte[body.Length + XChaCha20Poly1305.TagSize];
        XChaCha20Poly1305.Seal(key, vector["nonce"].Hex(), body, header, sealedBody);
        byte[] datagram = [.. header, .. sealedBody];
        Assert.Equal(vector["datagram"].Hex(), datagram);
    }

    /// <summary>
    /// Opens the datagram as the receiver does: reads the header, derives the key from the header's sender key
    /// and the receiver's secret, opens and validates the body; checks everything above the records.
    /// </summary>
    private static DatagramBody OpenAsReceiver(JsonNode vector, byte[] datagram, byte[] plaintext, byte[] key)
    {
        using var receiver = VectorDocument.DomainKeys(vector["receiver"].Text());
        Assert.Equal(DropReason.None, DatagramHeader.TryRead(datagram, out var header));
        Assert.Equal(vector["version"].Int32(), datagram[0]);
        Assert.Equal((DatagramType)vector["type"].Int32(), header.Type);
        Assert.Equal(vector["sender_key"].Hex(), header.SenderKey.ToArray());
        Assert.Equal(vector["nonce"].Hex(), header.Nonce.ToArray());
        Assert.Equal(vector["header"].Hex(), header.AssociatedData.ToArray());

        Assert.True(NotificationKey.TryDeriveReceiving(receiver, header.SenderKey, key));
        Assert.Equal(vector["key"].Hex(), key);
        Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, key, plaintext, out var opened));
        Assert.Equal(vector["plaintext_body"].Hex(), plaintext[..header.BodyLength]);
        Assert.Equal((DatagramType)vector["type"].Int32(), opened.Type);
        Assert.Equal(vector["sent_at"].Int64(), opened.SentAtMs);
        Assert.Equal(vector["records"].Array().Count, opened.Count);
        Assert.Equal(DropReason.None, NotificationClock.CheckSentAt(opened.SentAtMs, vector["sent_at"].Int64()));

        // TryOpen's result is scoped to the local header by the escape rules, though its records live in plaintext:
        // parsing the opened plaintext again gives a body that may leave this method.
        return DatagramBody.TryParse(opened.Type, plaintext.AsSpan(0, header.BodyLength), out var body) == DropReason.None
            ? body
            : throw new InvalidDataException("An opened body must parse again.");
    }
}
