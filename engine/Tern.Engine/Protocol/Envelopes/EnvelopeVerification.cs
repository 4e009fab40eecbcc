using Tern.Engine.Crypto;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Protocol.Envelopes;

/// <summary>
/// What the recipient's client checks before it shows a message as from its sender (docs/PROTOCOL.md §15.4): the
/// envelope parses; the sender domain's key bundle has a record with the envelope's fingerprint; that record is signed
/// by the sender domain's descriptor key, for the envelope's sender, valid now and not revoked; the signature verifies
/// with the record's signing key; the envelope names the recipient hash the message was filed under; and, once the
/// payload is in, its size and hash.
/// </summary>
public static class EnvelopeVerification
{
    /// <summary>
    /// Judges a signed envelope. <paramref name="senderDomainSigningKey"/> comes from the sender domain's verified
    /// descriptor (§6.2), <paramref name="senderKeys"/> from a key lookup of the sender's address there (§14.4).
    /// Never throws on hostile bytes.
    /// </summary>
    public static EnvelopeVerdict Verify(
        ReadOnlySpan<byte> source,
        UserKeyBundle senderKeys,
        Bytes32 senderDomainSigningKey,
        RecipientHash filedUnder,
        long nowMs,
        out SignedEnvelope envelope,
        out EnvelopeError error)
    {
        ArgumentNullException.ThrowIfNull(senderKeys);
        if (!SignedEnvelope.TryParse(source, out envelope, out var signedLength, out error))
        {
            return EnvelopeVerdict.Malformed;
        }

        UserKeyRecord? named = null;
        foreach (var record in senderKeys.Records)
        {
            if (record.Fingerprint == envelope.SenderKeyFingerprint)
            {
                named = record;
                break;
            }
        }

        if (named is not { } senderRecord)
        {
            return EnvelopeVerdict.UnknownSenderKey;
        }

        var keyVerdict = senderRecord.Check(senderDomainSigningKey, envelope.SenderAddress, nowMs, senderKeys.Revocations);
        if (keyVerdict != UserKeyVerdict.Valid)
        {
            return keyVerdict switch
            {
                UserKeyVerdict.WrongDomainKey => EnvelopeVerdict.KeyRecordWrongDomain,
                UserKeyVerdict.WrongAddress => EnvelopeVerdict.KeyRecordWrongAddress,
                UserKeyVerdict.NotYetValid => EnvelopeVerdict.KeyRecordNotYetValid,
                UserKeyVerdict.Expired => EnvelopeVerdict.KeyRecordExpired,
                _ => EnvelopeVerdict.KeyRecordRevoked,
            };
        }

        Span<byte> signed = stackalloc byte[SignedEnvelope.SignatureContext.Length + SignedEnvelope.MaxSize];
        Span<byte> signingKey = stackalloc byte[Ed25519.PublicKeySize];
        senderRecord.SigningKey.CopyTo(signingKey);
        if (!Ed25519.Verify(signingKey, WireFields.Signed(signed, SignedEnvelope.SignatureContext, source[..signedLength]), source[signedLength..]))
        {
            return EnvelopeVerdict.BadSignature;
        }

        return envelope.RecipientHash == filedUnder ? EnvelopeVerdict.Valid : EnvelopeVerdict.WrongRecipient;
    }

    /// <summary>The last check, once the payload is in: its size and payload hash (§4.8) are the envelope's.</summary>
    public static EnvelopeVerdict CheckPayload(in SignedEnvelope envelope, long payloadSize, Bytes32 payloadHash)
        => envelope.PayloadSize == payloadSize && envelope.PayloadHash == payloadHash ? EnvelopeVerdict.Valid : EnvelopeVerdict.PayloadMismatch;
}
