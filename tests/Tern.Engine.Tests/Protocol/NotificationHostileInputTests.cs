using System.Buffers.Binary;
using FsCheck.Fluent;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Protocol;

/// <summary>Random and mutated datagrams and bodies: every input ends in a reason, none in an exception.</summary>
public sealed class NotificationHostileInputTests : IDisposable
{
    private readonly NotificationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Random_datagrams_are_dropped_with_a_reason()
    {
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        Hostile.Check(Hostile.Bytes(1300), datagram =>
        {
            var reason = DatagramHeader.TryRead(datagram, out var header);
            if (reason == DropReason.None)
            {
                reason = DatagramBody.TryOpen(header, _f.ReceiveKey, plaintext, out _);
            }

            Assert.NotEqual(DropReason.None, reason);
        });
    }

    [Fact]
    public void Mutated_datagrams_never_open()
    {
        var valid = _f.Seal(3);
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        Hostile.Check(Hostile.Mutations(valid), datagram =>
        {
            var reason = DatagramHeader.TryRead(datagram, out var header);
            if (reason == DropReason.None)
            {
                reason = DatagramBody.TryOpen(header, _f.ReceiveKey, plaintext, out _);
            }

            // Appending bytes or changing anything breaks the AEAD; only the unchanged datagram opens.
            Assert.True(reason != DropReason.None || datagram.AsSpan().SequenceEqual(valid));
        });
    }

    [Fact]
    public void Random_and_mutated_bodies_parse_to_a_reason_or_to_records_that_enumerate()
    {
        var body = ValidBody(3);
        var generator = Gen.OneOf(Hostile.Mutations(body), Hostile.Bytes(NotificationLimits.MaxBodySize));
        foreach (var type in new[] { DatagramType.Notification, DatagramType.Retraction })
        {
            Hostile.Check(generator, candidate =>
            {
                if (DatagramBody.TryParse(type, candidate, out var parsed) != DropReason.None)
                {
                    return;
                }

                var seen = 0;
                foreach (var record in parsed.Notifications)
                {
                    Assert.True(record.IsValid);
                    seen++;
                }

                foreach (var record in parsed.Retractions)
                {
                    Assert.True(record.IsValid);
                    seen++;
                }

                Assert.Equal(parsed.Count, seen);
            });
        }
    }

    [Fact]
    public void Generated_records_round_trip_field_for_field()
    {
        var domains = new[] { "a.example", "x.y", "mail.example.org", new string('a', 63) + ".example" };
        var mimes = new[] { "", "message/822", "application/octet-stream", new string('m', 127) };
        var generator =
            from domain in Gen.Elements(domains)
            from mime in Gen.Elements(mimes)
            from hintCount in Gen.Choose(0, 4)
            from expiry in Gen.Choose(0, int.MaxValue)
            from size in Gen.Choose(0, int.MaxValue)
            from attempt in Gen.Choose(1, 65535)
            from gateway in Gen.Elements(true, false)
            select (domain, mime, hintCount, expiry: (long)expiry * 1000, size: (long)size * 7, attempt: (ushort)attempt, gateway);

        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        Hostile.Check(generator, c =>
        {
            var hintBytes = FetchHintList.Encode([.. Enumerable.Range(0, c.hintCount).Select(i => $"tern+tcp://n{i}.{c.domain}:7401")]);
            Assert.True(FetchHintList.TryCreate(hintBytes, out var hints));
            var capability = FetchCapability.NewRandom();
            var hash = RecipientHash.NewRandom();
            var payloadHash = Bytes32.Random();
            var flags = c.gateway ? NotificationFlags.ViaGateway : NotificationFlags.None;
            var domain = System.Text.Encoding.ASCII.GetBytes(c.domain);
            var mime = System.Text.Encoding.ASCII.GetBytes(c.mime);
            var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, NotificationFixture.Now);
            Assert.True(writer.TryAdd(new NotificationRecord(capability, hash, c.expiry, c.size, payloadHash, c.attempt, flags, domain, mime, hints)));
            var length = writer.Seal(_f.SendKey);

            Assert.Equal(DropReason.None, DatagramHeader.TryRead(buffer.AsSpan(0, length), out var header));
            Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, _f.ReceiveKey, plaintext, out var body));
            foreach (var r in body.Notifications)
            {
                Assert.Equal(capability, r.Capability);
                Assert.Equal(hash, r.RecipientHash);
                Assert.Equal(c.expiry, r.TransitExpiryMs);
                Assert.Equal(c.size, r.PayloadSize);
                Assert.Equal(payloadHash, r.PayloadHash);
                Assert.Equal(c.attempt, r.Attempt);
                Assert.Equal(flags, r.Flags);
                Assert.Equal(c.domain, NotificationFixture.Text(r.SenderDomain));
                Assert.Equal(c.mime, NotificationFixture.Text(r.MimeHint));
                Assert.Equal(c.hintCount, r.FetchHints.Count);
            }
        }, count: 2_000);
    }

    private static byte[] ValidBody(int records)
    {
        var body = new List<byte>(new byte[9]);
        BinaryPrimitives.WriteInt64BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(body), NotificationFixture.Now);
        body[8] = (byte)records;
        for (var i = 0; i < records; i++)
        {
            var record = NotificationFixture.Record(FetchCapability.NewRandom(), RecipientHash.NewRandom(), "a.example"u8, "text/plain"u8, FetchHintList.Encode(["https://a.example"]));
            var bytes = new byte[2 + record.EncodedLength];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)record.EncodedLength);
            record.Write(bytes.AsSpan(2));
            body.AddRange(bytes);
        }

        return [.. body];
    }
}
