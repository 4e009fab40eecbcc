using System.Buffers.Binary;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Protocol;

public sealed class NotificationDatagramTests : IDisposable
{
    private readonly NotificationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Both_sides_derive_the_same_key_per_direction_and_different_keys_across_directions()
    {
        var reverse = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveSending(_f.Receiver, _f.Sender.AgreementPublicKey, reverse));

        Assert.Equal(_f.SendKey, _f.ReceiveKey);
        Assert.NotEqual(_f.SendKey, reverse);
    }

    [Fact]
    public void A_sealed_notification_opens_with_every_field_intact()
    {
        var capability = FetchCapability.NewRandom();
        var hash = RecipientHash.NewRandom();
        var payloadHash = Bytes32.Random();
        Assert.True(FetchHintList.TryCreate(_f.Hints, out var hints));
        var record = new NotificationRecord(capability, hash, NotificationFixture.Now + 5000, 123_456_789_012, payloadHash, 7, NotificationFlags.ViaGateway, "a.example"u8, "application/pdf"u8, hints);
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, NotificationFixture.Now);
        Assert.True(writer.TryAdd(record));
        var datagram = buffer.AsSpan(0, writer.Seal(_f.SendKey));

        Assert.Equal(DropReason.None, DatagramHeader.TryRead(datagram, out var header));
        Assert.Equal(DatagramType.Notification, header.Type);
        Assert.Equal(_f.Sender.AgreementPublicKey.ToArray(), header.SenderKey.ToArray());
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, _f.ReceiveKey, plaintext, out var body));
        Assert.Equal(NotificationFixture.Now, body.SentAtMs);
        Assert.Equal(1, body.Count);

        var seen = 0;
        foreach (var opened in body.Notifications)
        {
            seen++;
            Assert.Equal(capability, opened.Capability);
            Assert.Equal(hash, opened.RecipientHash);
            Assert.Equal(NotificationFixture.Now + 5000, opened.TransitExpiryMs);
            Assert.Equal(123_456_789_012, opened.PayloadSize);
            Assert.Equal(payloadHash, opened.PayloadHash);
            Assert.Equal(7, opened.Attempt);
            Assert.Equal(NotificationFlags.ViaGateway, opened.Flags);
            Assert.Equal("a.example", NotificationFixture.Text(opened.SenderDomain));
            Assert.Equal("application/pdf", NotificationFixture.Text(opened.MimeHint));
            var uris = new List<string>();
            foreach (var uri in opened.FetchHints)
            {
                uris.Add(NotificationFixture.Text(uri));
            }

            Assert.Equal(["https://node.a.example:7443", "tern+tcp://node.a.example:7401"], uris);
        }

        Assert.Equal(1, seen);
        foreach (var _ in body.Retractions)
        {
            Assert.Fail("a notification datagram has no retraction records");
        }
    }

    [Fact]
    public void A_datagram_packs_records_until_1200_bytes_and_never_more()
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, NotificationFixture.Now);
        var capabilities = new List<FetchCapability>();
        while (true)
        {
            var capability = FetchCapability.NewRandom();
            if (!writer.TryAdd(NotificationFixture.Record(capability, RecipientHash.NewRandom(), "a.example"u8, default, default)))
            {
                break;
            }

            capabilities.Add(capability);
        }

        var length = writer.Seal(_f.SendKey);
        Assert.True(length <= NotificationLimits.MaxDatagramSize);
        Assert.Equal(8, capabilities.Count); // 9 + 8 × (2 + 125) = 1025 ≤ 1126 < 1152
        Assert.Equal(DropReason.None, DatagramHeader.TryRead(buffer.AsSpan(0, length), out var header));
        Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, _f.ReceiveKey, new byte[NotificationLimits.MaxBodySize], out var body));
        var opened = new List<FetchCapability>();
        foreach (var record in body.Notifications)
        {
            opened.Add(record.Capability);
        }

        Assert.Equal(capabilities, opened);
    }

    [Fact]
    public void The_keys_copied_for_a_prefetch_are_each_records_capability_and_recipient_hash_in_order()
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, NotificationFixture.Now);
        Assert.True(FetchHintList.TryCreate(_f.Hints, out var hints));
        var written = new List<(FetchCapability, RecipientHash)>();
        for (var i = 0; i < 5; i++)
        {
            // Records of different lengths, so that each key is found from its own record's length prefix.
            var capability = FetchCapability.NewRandom();
            var hash = RecipientHash.NewRandom();
            var record = i % 2 == 0
                ? NotificationFixture.Record(capability, hash, "a.example"u8, default, default)
                : new NotificationRecord(capability, hash, NotificationFixture.Now + 5000, 42, Bytes32.Random(), 1, NotificationFlags.None, "mail.a.example"u8, "text/plain"u8, hints);
            Assert.True(writer.TryAdd(record));
            written.Add((capability, hash));
        }

        var length = writer.Seal(_f.SendKey);
        Assert.Equal(DropReason.None, DatagramHeader.TryRead(buffer.AsSpan(0, length), out var header));
        Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, _f.ReceiveKey, new byte[NotificationLimits.MaxBodySize], out var body));
        var capabilities = new FetchCapability[NotificationLimits.MaxRecords];
        var hashes = new RecipientHash[NotificationLimits.MaxRecords];

        var copied = body.CopyNotificationKeys(capabilities, hashes);

        Assert.Equal(written.Count, copied);
        Assert.Equal(written, capabilities.Take(copied).Zip(hashes.Take(copied)).ToList());
        var enumerated = new List<(FetchCapability, RecipientHash)>();
        foreach (var record in body.Notifications)
        {
            enumerated.Add((record.Capability, record.RecipientHash));
        }

        Assert.Equal(enumerated, written);
    }

    [Fact]
    public void A_retraction_body_has_no_keys_to_copy_for_a_prefetch()
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Retraction, _f.Sender.AgreementPublicKey, NotificationFixture.Now);
        Assert.True(writer.TryAdd(new RetractionRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), RetractionFlags.None, "a.b"u8)));
        var length = writer.Seal(_f.SendKey);
        Assert.Equal(DropReason.None, DatagramHeader.TryRead(buffer.AsSpan(0, length), out var header));
        Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, _f.ReceiveKey, new byte[NotificationLimits.MaxBodySize], out var body));

        Assert.Equal(0, body.CopyNotificationKeys(new FetchCapability[NotificationLimits.MaxRecords], new RecipientHash[NotificationLimits.MaxRecords]));
    }

    [Fact]
    public void Retraction_datagrams_fill_by_bytes()
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Retraction, _f.Sender.AgreementPublicKey, NotificationFixture.Now);
        var added = 0;
        while (writer.TryAdd(new RetractionRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), RetractionFlags.None, "a.b"u8)))
        {
            added++;
        }

        Assert.Equal(NotificationLimits.MaxBodySize / (2 + 69), added); // 69-byte records with a 3-byte domain
        var length = writer.Seal(_f.SendKey);
        Assert.Equal(DropReason.None, DatagramHeader.TryRead(buffer.AsSpan(0, length), out var header));
        Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, _f.ReceiveKey, new byte[NotificationLimits.MaxBodySize], out var body));
        Assert.Equal(added, body.Count);
    }

    [Fact]
    public void Any_flipped_bit_or_wrong_key_makes_the_datagram_undecryptable()
    {
        var datagram = _f.Seal(2);
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        for (var i = 2; i < datagram.Length; i += 7)
        {
            var copy = (byte[])datagram.Clone();
            copy[i] ^= 0x10;
            Assert.Equal(DropReason.None, DatagramHeader.TryRead(copy, out var header));
            Assert.Equal(DropReason.Undecryptable, DatagramBody.TryOpen(header, _f.ReceiveKey, plaintext, out _));
        }

        using var stranger = DomainKeySet.Generate("c.example");
        var strangerKey = new byte[NotificationKey.Size];
        Assert.True(NotificationKey.TryDeriveReceiving(stranger, _f.Sender.AgreementPublicKey, strangerKey));
        Assert.Equal(DropReason.None, DatagramHeader.TryRead(datagram, out var original));
        Assert.Equal(DropReason.Undecryptable, DatagramBody.TryOpen(original, strangerKey, plaintext, out _));
    }

    [Fact]
    public void Header_checks_size_version_and_type_before_any_cryptography()
    {
        var datagram = _f.Seal(1);
        Assert.Equal(DropReason.TooShort, DatagramHeader.TryRead(datagram.AsSpan(0, NotificationLimits.MinDatagramSize - 1), out _));
        Assert.Equal(DropReason.TooLong, DatagramHeader.TryRead(new byte[1201], out _));
        var copy = (byte[])datagram.Clone();
        copy[0] = 2;
        Assert.Equal(DropReason.UnknownVersion, DatagramHeader.TryRead(copy, out _));
        copy[0] = 1;
        copy[1] = 3;
        Assert.Equal(DropReason.UnknownType, DatagramHeader.TryRead(copy, out _));
    }

    [Fact]
    public void Low_order_sender_keys_are_refused()
    {
        Assert.False(NotificationKey.TryDeriveReceiving(_f.Receiver, new byte[32], new byte[NotificationKey.Size]));
    }

    [Theory]
    [InlineData(-600_001, DropReason.Stale)]
    [InlineData(-600_000, DropReason.None)]
    [InlineData(120_000, DropReason.None)]
    [InlineData(120_001, DropReason.Future)]
    public void Sent_at_must_fall_inside_the_replay_window(long offset, DropReason expected)
        => Assert.Equal(expected, NotificationClock.CheckSentAt(NotificationFixture.Now + offset, NotificationFixture.Now));

    [Fact]
    public void Transit_expiry_must_be_ahead_and_within_the_protocol_maximum()
    {
        const long Now = NotificationFixture.Now;
        var max = NotificationLimits.MaxTransit;
        var limit = (long)max.TotalMilliseconds + 120_000;
        Assert.Equal(DropReason.Expired, NotificationClock.CheckExpiry(Now, Now, max));
        Assert.Equal(DropReason.None, NotificationClock.CheckExpiry(Now + 1, Now, max));
        Assert.Equal(DropReason.None, NotificationClock.CheckExpiry(Now + limit, Now, max));
        Assert.Equal(DropReason.ExpiryTooFar, NotificationClock.CheckExpiry(Now + limit + 1, Now, max));
    }

    [Fact]
    public void Bodies_that_break_the_layout_are_malformed()
    {
        var body = ValidBody(out var recordLength);
        Assert.Equal(DropReason.None, DatagramBody.TryParse(DatagramType.Notification, body, out _));

        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Notification, Mutate(body, b => b[8] = 0), out _));          // no records
        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Notification, Mutate(body, b => b[8] = 2), out _));          // count past the data
        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Notification, Mutate(body, b => b[8] = 33), out _));         // too many
        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Notification, Mutate(body, b => b[^1] = 1), out _));         // non-zero padding
        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Notification, Mutate(body, b => BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(9), (ushort)(recordLength + 100))), out _));
        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Notification, Mutate(body, b => b[11 + 116] = (byte)'A'), out _)); // upper-case domain
        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Notification, Mutate(body, b => b[11 + 114] = 0x80), out _));     // unknown flag
        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Notification, Mutate(body, b => b[11 + 64] = 0x80), out _));      // expiry above long.MaxValue
        Assert.Equal(DropReason.Malformed, DatagramBody.TryParse(DatagramType.Retraction, body, out _));                                         // wrong record type is still parsed strictly

        // Bytes after the known fields of a record are a future extension, not an error.
        var extended = new byte[body.Length + 4];
        body.AsSpan(0, 11 + recordLength).CopyTo(extended);
        BinaryPrimitives.WriteUInt16BigEndian(extended.AsSpan(9), (ushort)(recordLength + 4));
        extended[11 + recordLength] = 0xEE;
        Assert.Equal(DropReason.None, DatagramBody.TryParse(DatagramType.Notification, extended, out var parsed));
        Assert.Equal(1, parsed.Count);
    }

    private static byte[] ValidBody(out int recordLength)
    {
        var record = NotificationFixture.Record(FetchCapability.NewRandom(), RecipientHash.NewRandom(), "a.example"u8, "text/plain"u8, default);
        recordLength = record.EncodedLength;
        var body = new byte[9 + 2 + recordLength + 3];
        BinaryPrimitives.WriteInt64BigEndian(body, NotificationFixture.Now);
        body[8] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(9), (ushort)recordLength);
        record.Write(body.AsSpan(11));
        return body;
    }

    private static byte[] Mutate(byte[] source, Action<byte[]> change)
    {
        var copy = (byte[])source.Clone();
        change(copy);
        return copy;
    }

    [Fact]
    public void Writer_refuses_invalid_records_with_a_clear_error()
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var error = Record.Exception(() =>
        {
            var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, NotificationFixture.Now);
            writer.TryAdd(NotificationFixture.Record(FetchCapability.NewRandom(), RecipientHash.NewRandom(), "Not A Domain"u8, default, default));
        });
        Assert.IsType<ArgumentException>(error);
        Assert.Contains("§4.2", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FetchHintList.Encode(["ok", "", "x"]));
        Assert.Throws<ArgumentException>(() => FetchHintList.Encode(["a", "b", "c", "d", "e"]));
    }

    [Fact]
    public void Sealing_and_opening_allocate_nothing()
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        var capability = FetchCapability.NewRandom();
        var hash = RecipientHash.NewRandom();
        var payloadHash = Bytes32.Random();
        var senderKey = _f.Sender.AgreementPublicKey.ToArray();
        var domain = "a.example"u8.ToArray();
        RoundTrip();

        // Five windows of 100 round trips: one allocation a round trip would show in each; a one-off of the runtime's
        // (3104 B once, in a make test run) shows in one.
        Assert.Equal(0, Allocations.FewestOf(5, () =>
        {
            for (var i = 0; i < 100; i++)
            {
                RoundTrip();
            }
        }));

        void RoundTrip()
        {
            FetchHintList.TryCreate(_f.Hints, out var hints);
            var writer = new DatagramWriter(buffer, DatagramType.Notification, senderKey, NotificationFixture.Now);
            for (var r = 0; r < 4; r++)
            {
                writer.TryAdd(new NotificationRecord(capability, hash, NotificationFixture.Now + 1000, 1024, payloadHash, 1, NotificationFlags.None, domain, default, hints));
            }

            var length = writer.Seal(_f.SendKey);
            DatagramHeader.TryRead(buffer.AsSpan(0, length), out var header);
            DatagramBody.TryOpen(header, _f.ReceiveKey, plaintext, out var body);
            foreach (var record in body.Notifications)
            {
                _ = record.Capability;
            }
        }
    }
}
