using System.Buffers;
using FsCheck.Fluent;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Protocol.Receipts;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Client;

namespace Tern.Engine.Tests.Protocol;

/// <summary>
/// Every parser of the engine that takes bytes or text from outside (or from its own files), fed every input one
/// substitution away from a valid one (DESIGN.md §5): each gives a value or a reason, none throws. The random and mutated
/// inputs of each are in its own property tests (notification, fetch, descriptor, identifier); the parsers without
/// them get theirs here.
/// </summary>
public sealed class SingleSubstitutionTests : IDisposable
{
    private readonly NotificationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Datagrams_one_byte_away_from_a_sealed_one_never_open()
    {
        var valid = _f.Seal(2);
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        Substitutions.EachByte(valid, datagram =>
        {
            var reason = DatagramHeader.TryRead(datagram, out var header);
            if (reason == DropReason.None)
            {
                reason = DatagramBody.TryOpen(header, _f.ReceiveKey, plaintext, out _);
            }

            Assert.NotEqual(DropReason.None, reason);
        });
    }

    [Theory]
    [InlineData(DatagramType.Notification)]
    [InlineData(DatagramType.Retraction)]
    public void Bodies_one_byte_away_from_a_valid_one_parse_to_a_reason_or_to_valid_records(DatagramType type)
    {
        var accepted = 0;
        Substitutions.EachByte(ValidBody(type), body =>
        {
            if (DatagramBody.TryParse(type, body, out var parsed) != DropReason.None)
            {
                return;
            }

            accepted++;
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

        // Bytes no rule constrains (capabilities, hashes, times) still parse: the test saw both outcomes.
        Assert.True(accepted > 0);
    }

    [Fact]
    public void Fetch_hint_lists_one_byte_away_from_a_valid_one_are_refused_or_enumerate_whole()
    {
        Substitutions.EachByte(_f.Hints, encoded =>
        {
            if (FetchHintList.TryCreate(encoded, out var hints))
            {
                var seen = 0;
                foreach (var hint in hints)
                {
                    Assert.False(hint.IsEmpty);
                    seen++;
                }

                Assert.Equal(hints.Count, seen);
            }
        });

        Hostile.Check(Gen.OneOf(Hostile.Bytes(600), Hostile.Mutations(_f.Hints)), encoded => FetchHintList.TryCreate(encoded, out _), count: 3_000);
    }

    [Fact]
    public void Frames_one_byte_away_from_valid_ones_parse_to_frames_or_an_error()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteFetch(output, 1, new FetchRequest(FetchCapability.NewRandom(), 5, 100));
        FrameWriter.WriteMeta(output, 1, new FetchMeta(1000, Bytes32.Random(), NotificationFixture.Now, 5, 100, "text/plain"u8), endStream: false);
        FrameWriter.WriteData(output, 1, new byte[20], endStream: true);
        FrameWriter.WriteGoAway(output, new GoAway(GoAwayCode.ProtocolError, "bad frame"u8));
        FrameWriter.WritePing(output, 42);
        Substitutions.EachByte(output.WrittenSpan.ToArray(), bytes =>
        {
            var frames = FetchTestBuffers.ParseAll(FrameReader.Default, new ReadOnlySequence<byte>(bytes), out _, out var consumed);
            Assert.InRange(consumed, 0, bytes.Length);
            foreach (var (header, payload) in frames)
            {
                _ = header.Type switch
                {
                    FrameType.Fetch => FetchRequest.TryRead(payload, out _, out _),
                    FrameType.Meta => FetchMeta.TryRead(payload, out _, out _),
                    FrameType.GoAway => GoAway.TryRead(payload, out _, out _),
                    _ => true,
                };
            }
        });
    }

    [Fact]
    public void Frame_payloads_one_byte_away_from_valid_ones_decode_or_say_why()
    {
        var buffer = new byte[GoAway.MaxSize];
        var fetch = buffer[..new FetchRequest(FetchCapability.NewRandom(), 0, ulong.MaxValue).Write(buffer)];
        var meta = buffer[..new FetchMeta(1000, Bytes32.Random(), NotificationFixture.Now, 0, 1000, "message/822"u8).Write(buffer)];
        var goAway = buffer[..new GoAway(GoAwayCode.TooManyStreams, "too many streams"u8).Write(buffer)];
        Substitutions.EachByte(fetch, p => Assert.Equal(FetchRequest.TryRead(p, out _, out var e), e == FrameError.None));
        Substitutions.EachByte(meta, p => Assert.Equal(FetchMeta.TryRead(p, out _, out var e), e == FrameError.None));
        Substitutions.EachByte(goAway, p => Assert.Equal(GoAway.TryRead(p, out _, out var e), e == FrameError.None));
    }

    [Fact]
    public void Receipts_one_byte_away_from_a_signed_one_never_parse()
    {
        using var gateway = DomainKeySet.Generate("gw.example");
        var receipt = new ResponsibilityReceipt(MessageId.NewRandom(), Bytes32.Random(), 1000, NotificationFixture.Now, NotificationFixture.Now + 86_400_000,
            new Bytes32(gateway.SigningPublicKey), "a.example", gateway.Domain);
        var buffer = new byte[ResponsibilityReceipt.MaxSize];
        var valid = buffer[..receipt.Sign(gateway, buffer)];
        Substitutions.EachByte(valid, bytes =>
        {
            Assert.False(ResponsibilityReceipt.TryParse(bytes, out var parsed, out var error));
            Assert.NotEqual(ReceiptError.None, error);
            Assert.Equal(default, parsed);
        });
    }

    [Fact]
    public void Txt_values_one_character_away_from_a_valid_one_parse_to_fingerprints_or_a_failure()
    {
        var fingerprint = Bytes32.Random();
        Substitutions.EachChar(TernDnsRecords.FormatTxtValue(fingerprint), text =>
        {
            var parsed = TernDnsRecords.ParseTxtValue(text);
            Assert.Equal(parsed.Failure == TxtRecordFailure.None, parsed.IsValid);
            Assert.Equal(parsed.IsValid, parsed.Fingerprints.Count > 0);
        }, Substitutions.SampledCharacters);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(32)]
    public void Canonical_base64url_one_character_away_decodes_to_the_same_text_or_is_refused(int length)
    {
        var bytes = new byte[length];
        SecureRandom.Fill(bytes);
        var decoded = new byte[length + 3];
        Substitutions.EachChar(System.Buffers.Text.Base64Url.EncodeToString(bytes), text =>
        {
            if (CanonicalBase64Url.TryDecode(text, decoded, out var written))
            {
                Assert.Equal(new string(text), System.Buffers.Text.Base64Url.EncodeToString(decoded.AsSpan(0, written)));
            }
        });
    }

    [Fact]
    public void Stored_references_one_byte_away_decode_or_are_refused()
    {
        var record = NotificationFixture.Record(FetchCapability.NewRandom(), RecipientHash.NewRandom(), "a.example"u8, "message/822"u8, _f.Hints);
        var profile = new byte[SenderProfileCodec.MaxSize];
        profile = profile[..SenderProfileCodec.Write(record, _f.Sender.AgreementPublicKey, profile)];
        var profiles = new SenderProfiles(4);
        Assert.True(profiles.TryGetOrAdd(profile, out var profileId));
        var buffer = new byte[ReferenceCodec.MaxSize];
        foreach (var valid in new[] { buffer[..ReferenceCodec.Write(record, NotificationFixture.Now, 0, profile, buffer)], buffer[..ReferenceCodec.Write(record, NotificationFixture.Now, profileId, profile, buffer)] })
        {
            Assert.NotNull(ReferenceCodec.Read(valid, 1, profiles));
            Substitutions.EachByte(valid, bytes => ReferenceCodec.Read(bytes, 1, profiles));
            Hostile.Check(Gen.OneOf(Hostile.Bytes(ReferenceCodec.MaxSize + 10), Hostile.Mutations(valid)), bytes => ReferenceCodec.Read(bytes, 1, profiles), count: 3_000);
        }
    }

    [Fact]
    public void Bucket_directory_names_one_character_away_parse_to_a_window_or_are_refused()
    {
        var valid = BucketWindow.For(NotificationFixture.Now, 86_400_000).DirectoryName;
        Substitutions.EachChar(valid, name =>
        {
            if (BucketWindow.TryParse(new string(name), out var window))
            {
                Assert.True(window.EndMs > window.StartMs);
            }
        }, Substitutions.SampledCharacters);

        var character = Gen.Elements("0123456789--+ \u0660x".ToCharArray());
        Hostile.Check(Gen.Choose(0, 45).SelectMany(n => Gen.ArrayOf(character, n)), chars => Assert.True(!BucketWindow.TryParse(new string(chars), out var window) || window.EndMs > window.StartMs));
    }

    [Fact]
    public void Fetch_uris_one_character_away_give_a_source_or_none()
    {
        using var http = new HttpClient();
        string[] valid = ["https://node.a.example:7443", "tern+tcp://127.0.0.1:7401", "http://[::1]:80"];
        var sources = new FetchSourceFactory(http, allowPlainTextOnLoopback: true);
        foreach (var uri in valid)
        {
            Assert.NotNull(sources.Create(uri));
            Substitutions.EachChar(uri, text => sources.Create(new string(text)), Substitutions.SampledCharacters);
        }

        var character = Gen.Elements("htps:/[]:.@%-+0123456789abcdefghijklmnopqrstuvwxyz \u00e9\u0000".ToCharArray());
        Hostile.Check(Gen.Choose(0, 60).SelectMany(n => Gen.ArrayOf(character, n)), chars => sources.Create(new string(chars)));
    }

    private byte[] ValidBody(DatagramType type)
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, type, _f.Sender.AgreementPublicKey, NotificationFixture.Now);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(type == DatagramType.Notification
                ? writer.TryAdd(NotificationFixture.Record(FetchCapability.NewRandom(), RecipientHash.NewRandom(), "a.example"u8, "message/822"u8, _f.Hints))
                : writer.TryAdd(new RetractionRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), RetractionFlags.AfterFetch, "a.example"u8)));
        }

        var length = writer.Seal(_f.SendKey);
        Assert.Equal(DropReason.None, DatagramHeader.TryRead(buffer.AsSpan(0, length), out var header));
        var plaintext = new byte[NotificationLimits.MaxBodySize];
        Assert.Equal(DropReason.None, DatagramBody.TryOpen(header, _f.ReceiveKey, plaintext, out _));
        return plaintext[..header.BodyLength];
    }
}
