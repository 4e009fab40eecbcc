using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.UserKeys;
using Tern.Engine.Tests.Protocol.UserKeys;

namespace Tern.Engine.Tests.Protocol.Envelopes;

/// <summary>
/// The signed envelope (docs/PROTOCOL.md §15): what the recipient's client accepts, and each way a message that claims
/// a sender it does not have is refused, with its reason.
/// </summary>
public sealed class SignedEnvelopeTests : IDisposable
{
    private static readonly RecipientHash Bob = new(UserKeyFixture.Run(0x90));
    private readonly UserKeyFixture _keys = new();

    public void Dispose() => _keys.Dispose();

    private Bytes32 DomainA => new(_keys.A.SigningPublicKey);

    private static SignedEnvelope Envelope(UserKeyRecord record) => new(
        EnvelopeFlags.ReadReceiptRequested,
        new MessageId(UserKeyFixture.Run(0x08)),
        default,
        Bob,
        record.Fingerprint,
        UserKeyFixture.Now,
        UserKeyFixture.Now + (7 * UserKeyFixture.Day),
        1234,
        new Bytes32(UserKeyFixture.Run(0x30)),
        PayloadCipher.ChunkedXChaCha20Poly1305,
        new Bytes32(UserKeyFixture.Run(0x50)),
        record.Address,
        "message/822");

    private static byte[] Signed(SignedEnvelope envelope, NSec.Cryptography.Key key, UserKeyRecord record)
    {
        var bytes = new byte[envelope.EncodedLength];
        Assert.Equal(bytes.Length, envelope.Sign(key, record, bytes));
        return bytes;
    }

    private static UserKeyBundle Bundle(params byte[][] entries)
    {
        Assert.True(UserKeyBundle.TryParse(UserKeyBundle.Encode(entries), out var bundle, out var error, out _), error.ToString());
        return bundle!;
    }

    private EnvelopeVerdict Verify(byte[] envelope, UserKeyBundle bundle, long now = UserKeyFixture.Now)
        => EnvelopeVerification.Verify(envelope, bundle, DomainA, Bob, now, out _, out _);

    [Fact]
    public void A_genuine_envelope_verifies_and_parses_back()
    {
        var record = _keys.AliceRecord();
        var envelope = Envelope(record);
        var bytes = Signed(envelope, _keys.AliceSigning, record);

        Assert.Equal(EnvelopeVerdict.Valid, EnvelopeVerification.Verify(bytes, Bundle(UserKeyFixture.Signed(record, _keys.A)), DomainA, Bob, UserKeyFixture.Now, out var parsed, out var error));
        Assert.Equal(EnvelopeError.None, error);
        Assert.Equal(envelope, parsed);
        Assert.Equal(EnvelopeVerdict.Valid, EnvelopeVerification.CheckPayload(parsed, 1234, new Bytes32(UserKeyFixture.Run(0x30))));
        Assert.Equal(EnvelopeVerdict.PayloadMismatch, EnvelopeVerification.CheckPayload(parsed, 1233, new Bytes32(UserKeyFixture.Run(0x30))));
        Assert.Equal(EnvelopeVerdict.PayloadMismatch, EnvelopeVerification.CheckPayload(parsed, 1234, new Bytes32(UserKeyFixture.Run(0x31))));
        Assert.True(Ed25519.Verify(record.SigningKey.ToArray(), [.. "tern/v1/envelope\n"u8, .. bytes.AsSpan(0, bytes.Length - 64)], bytes.AsSpan(bytes.Length - 64)));
    }

    [Fact]
    public void A_forged_envelope_is_refused_for_its_signature()
    {
        var record = _keys.AliceRecord();
        var bundle = Bundle(UserKeyFixture.Signed(record, _keys.A));
        var bytes = Signed(Envelope(record), _keys.AliceSigning, record);

        // Every field the signature covers, changed by one bit: the thread, the hash, times, size, payload hash, content
        // key, mime.
        foreach (var offset in new[] { 2, 40, 130, 140, 150, 160, 190, 218, bytes.Length - 70 })
        {
            var forged = bytes.ToArray();
            forged[offset] ^= 1;
            Assert.Equal(EnvelopeVerdict.BadSignature, Verify(forged, bundle));
        }
    }

    [Fact]
    public void An_envelope_re_signed_by_another_key_is_refused()
    {
        var record = _keys.AliceRecord();
        var bundle = Bundle(UserKeyFixture.Signed(record, _keys.A));
        var envelope = Envelope(record);

        // Mallory signs alice's envelope with her own key, keeping alice's fingerprint: the signature is not alice's.
        var mallorysRecord = record with { SigningKey = UserKeyFixture.PublicOf(_keys.MallorySigning) };
        var resigned = Signed(envelope with { SenderKeyFingerprint = mallorysRecord.Fingerprint }, _keys.MallorySigning, mallorysRecord);
        record.Fingerprint.CopyTo(resigned.AsSpan(98));
        Assert.Equal(EnvelopeVerdict.BadSignature, Verify(resigned, bundle));

        // …or names her own key, which alice's domain never published for alice.
        var named = Signed(envelope with { SenderKeyFingerprint = mallorysRecord.Fingerprint }, _keys.MallorySigning, mallorysRecord);
        Assert.Equal(EnvelopeVerdict.UnknownSenderKey, Verify(named, bundle));
    }

    [Fact]
    public void A_key_record_signed_by_the_wrong_domain_is_refused()
    {
        // b.example signs a record claiming alice@a.example under its own key: it parses (the signature is b's and
        // verifies with the key it embeds) but is not a.example's descriptor key.
        var record = _keys.AliceRecord() with { DomainSigningKey = new Bytes32(_keys.B.SigningPublicKey) };
        var impostor = new SignedByAnyDomain(_keys.B, "a.example");
        var recordBytes = new byte[record.EncodedLength];
        record.Sign(impostor, recordBytes);
        var bytes = Signed(Envelope(record), _keys.AliceSigning, record);

        Assert.Equal(EnvelopeVerdict.KeyRecordWrongDomain, Verify(bytes, Bundle(recordBytes)));
    }

    [Fact]
    public void A_revoked_record_is_refused()
    {
        var record = _keys.AliceRecord();
        var revocation = new UserKeyRevocation(RevocationReason.Compromised, record.Fingerprint, default, UserKeyFixture.Now - 1, DomainA, record.Address);
        var bytes = Signed(Envelope(record), _keys.AliceSigning, record);

        Assert.Equal(EnvelopeVerdict.KeyRecordRevoked, Verify(bytes, Bundle(UserKeyFixture.Signed(record, _keys.A), UserKeyFixture.Signed(revocation, _keys.A))));
    }

    [Fact]
    public void An_expired_or_not_yet_valid_record_is_refused()
    {
        var record = _keys.AliceRecord(notBefore: UserKeyFixture.Now - (2 * UserKeyFixture.Day), notAfter: UserKeyFixture.Now - UserKeyFixture.Day);
        var bytes = Signed(Envelope(record), _keys.AliceSigning, record);
        var bundle = Bundle(UserKeyFixture.Signed(record, _keys.A));

        Assert.Equal(EnvelopeVerdict.KeyRecordExpired, Verify(bytes, bundle));
        Assert.Equal(EnvelopeVerdict.KeyRecordNotYetValid, Verify(bytes, bundle, UserKeyFixture.Now - (3 * UserKeyFixture.Day)));
        Assert.Equal(EnvelopeVerdict.Valid, Verify(bytes, bundle, UserKeyFixture.Now - (2 * UserKeyFixture.Day)));
    }

    [Fact]
    public void An_envelope_for_another_recipient_hash_is_refused()
    {
        var record = _keys.AliceRecord();
        var bytes = Signed(Envelope(record) with { RecipientHash = new RecipientHash(UserKeyFixture.Run(0x91)) }, _keys.AliceSigning, record);

        Assert.Equal(EnvelopeVerdict.WrongRecipient, Verify(bytes, Bundle(UserKeyFixture.Signed(record, _keys.A))));
    }

    [Fact]
    public void Signing_refuses_a_key_that_is_not_the_records()
    {
        var record = _keys.AliceRecord();
        Assert.Throws<ArgumentException>(() => Signed(Envelope(record), _keys.MallorySigning, record));
        Assert.Throws<ArgumentException>(() => Signed(Envelope(record) with { SenderAddress = "bob@a.example" }, _keys.AliceSigning, record));
        Assert.Throws<InvalidOperationException>(() => Signed(Envelope(record) with { MimeType = "text/\u00e9" }, _keys.AliceSigning, record));
        Assert.Throws<InvalidOperationException>(() => Signed(Envelope(record) with { ContentKey = default }, _keys.AliceSigning, record));
        Assert.Throws<InvalidOperationException>(() => Signed(Envelope(record) with { PayloadCipher = PayloadCipher.None }, _keys.AliceSigning, record));
        Assert.Throws<InvalidOperationException>(() => Signed(Envelope(record) with { PayloadCipher = (PayloadCipher)2 }, _keys.AliceSigning, record));
    }

    [Theory]
    [InlineData(0, 2, EnvelopeError.UnknownVersion)]
    [InlineData(1, 8, EnvelopeError.ReservedFlags)]
    [InlineData(130, 0x80, EnvelopeError.ValueOutOfRange)]
    [InlineData(146, 0x80, EnvelopeError.ValueOutOfRange)]
    [InlineData(186, 2, EnvelopeError.BadPayloadCipher)]
    [InlineData(186, 0, EnvelopeError.BadPayloadCipher)]
    [InlineData(225, (byte)'!', EnvelopeError.BadSenderAddress)]
    [InlineData(237, 0x7f, EnvelopeError.BadMimeType)]
    [InlineData(235, 200, EnvelopeError.Truncated)]
    public void Each_broken_rule_is_malformed_with_its_reason(int offset, byte value, EnvelopeError expected)
    {
        var record = _keys.AliceRecord();
        var bytes = Signed(Envelope(record), _keys.AliceSigning, record);
        bytes[offset] = value;

        Assert.Equal(EnvelopeVerdict.Malformed, EnvelopeVerification.Verify(bytes, Bundle(UserKeyFixture.Signed(record, _keys.A)), DomainA, Bob, UserKeyFixture.Now, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Without_a_payload_cipher_the_content_key_is_all_zero_and_the_envelope_verifies()
    {
        var record = _keys.AliceRecord();
        var plain = Envelope(record) with { PayloadCipher = PayloadCipher.None, ContentKey = default };
        var bytes = Signed(plain, _keys.AliceSigning, record);

        Assert.Equal(EnvelopeVerdict.Valid, Verify(bytes, Bundle(UserKeyFixture.Signed(record, _keys.A))));
        Assert.True(bytes.AsSpan(186, 33).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void Its_sizes_are_the_specs()
    {
        // §15.1: 288–667 bytes (a three-byte address and no MIME type, up to a 255-byte address and 127 bytes of MIME
        // type); §15.2 adds 48 to seal one; §12: 715 bytes sealed.
        Assert.Equal(219, SignedEnvelope.FixedSize);
        Assert.Equal(288, SignedEnvelope.MinSize);
        Assert.Equal(667, SignedEnvelope.MaxSize);
        Assert.Equal(715, EnvelopeSeal.MaxSize);
    }

    [Fact]
    public void The_content_key_is_not_in_the_envelopes_text()
    {
        var envelope = Envelope(_keys.AliceRecord());
        Assert.DoesNotContain(envelope.ContentKey.ToString(), envelope.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Sealed_to_bob_only_bobs_key_opens_it_and_any_change_is_refused()
    {
        var record = _keys.AliceRecord();
        var bytes = Signed(Envelope(record), _keys.AliceSigning, record);
        using var bobAgreement = X25519.ImportSecret(UserKeyFixture.Run(0xd2), exportable: true);
        var sealedEnvelope = new byte[bytes.Length + EnvelopeSeal.Overhead];
        Assert.Equal(sealedEnvelope.Length, EnvelopeSeal.Seal(bytes, UserKeyFixture.PublicOf(bobAgreement).ToArray(), sealedEnvelope));

        var opened = new byte[EnvelopeSeal.MaxSize];
        Assert.True(EnvelopeSeal.TryOpen(bobAgreement, sealedEnvelope, opened, out var written));
        Assert.Equal(bytes, opened[..written]);

        Assert.False(EnvelopeSeal.TryOpen(_keys.AliceAgreement, sealedEnvelope, opened, out _));
        for (var i = 0; i < sealedEnvelope.Length; i += 7)
        {
            var changed = sealedEnvelope.ToArray();
            changed[i] ^= 0x10;
            Assert.False(EnvelopeSeal.TryOpen(bobAgreement, changed, opened, out _), $"byte {i}");
        }

        Assert.False(EnvelopeSeal.TryOpen(bobAgreement, sealedEnvelope.AsSpan(0, EnvelopeSeal.Overhead - 1), opened, out _));
    }

    [Fact]
    public void Random_and_mutated_input_never_throws()
    {
        var record = _keys.AliceRecord();
        var bundle = Bundle(UserKeyFixture.Signed(record, _keys.A));
        var bytes = Signed(Envelope(record), _keys.AliceSigning, record);
        var random = new Random(15);
        var opened = new byte[EnvelopeSeal.MaxSize];
        var secret = UserKeyFixture.Run(0xd2);
        for (var i = 0; i < 3000; i++)
        {
            var input = i % 2 == 0 ? UserKeyRecordTests.RandomBytes(random, random.Next(0, 700)) : UserKeyRecordTests.Mutate(random, bytes);
            var verdict = EnvelopeVerification.Verify(input, bundle, DomainA, Bob, UserKeyFixture.Now, out _, out var error);
            Assert.Equal(verdict == EnvelopeVerdict.Malformed, error != EnvelopeError.None);
            Assert.False(EnvelopeSeal.TryOpen(secret, input, opened, out _));
        }
    }
}
