using System.Buffers.Binary;
using System.Text;
using Key = NSec.Cryptography.Key;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Protocol.Envelopes;

/// <summary>
/// The sender's signed statement about one message to one recipient (docs/PROTOCOL.md §15.1): who sent it (address
/// and key fingerprint, bound by the sender domain's key record, §14), to which recipient hash, its message and
/// thread ids, when, its payload's MIME type, size and hash, the cipher and content key that open the payload, its
/// transit expiry and flags. Only the recipient's client reads it: it travels sealed to the recipient's agreement key at
/// the head of the blob (§15.2), one slot per recipient around the one payload all of them share.
/// </summary>
/// <param name="Flags">Retraction, read receipt requested, escrow disclosed.</param>
/// <param name="MessageId">The message id the sender's domain reserved for the blob (§7).</param>
/// <param name="ThreadId">The message id this one replies to; all zero for a new thread.</param>
/// <param name="RecipientHash">The recipient hash the message is notified under (§5).</param>
/// <param name="SenderKeyFingerprint">The fingerprint of the sender's key record (§14.2).</param>
/// <param name="SentAtMs">Sender-attested time, ms since the epoch.</param>
/// <param name="TransitExpiryMs">The transit expiry the sender asked for, ms since the epoch.</param>
/// <param name="PayloadSize">Length of the payload (the blob after its head, §15.2).</param>
/// <param name="PayloadHash">Payload hash (§4.8) of the payload.</param>
/// <param name="PayloadCipher">How the payload is encrypted (§15.5).</param>
/// <param name="ContentKey">The payload's content key; all zero with <see cref="PayloadCipher.None"/>. A secret: never logged.</param>
/// <param name="SenderAddress">The sender's address.</param>
/// <param name="MimeType">Declared content type of the payload, a hint the client validates; empty when none.</param>
public readonly record struct SignedEnvelope(
    EnvelopeFlags Flags,
    MessageId MessageId,
    MessageId ThreadId,
    RecipientHash RecipientHash,
    Bytes32 SenderKeyFingerprint,
    long SentAtMs,
    long TransitExpiryMs,
    long PayloadSize,
    Bytes32 PayloadHash,
    PayloadCipher PayloadCipher,
    Bytes32 ContentKey,
    string SenderAddress,
    string MimeType)
{
    /// <summary>The envelope format version.</summary>
    public const byte Version = 1;

    /// <summary>Bytes before <c>sender_address</c>.</summary>
    public const int FixedSize = 2 + (4 * 32) + 8 + 8 + 8 + 32 + 1 + 32;

    /// <summary>Longest MIME type in bytes.</summary>
    public const int MaxMimeTypeLength = 127;

    /// <summary>Smallest envelope: a three-byte address, no MIME type.</summary>
    public const int MinSize = FixedSize + 1 + 3 + 1 + Ed25519.SignatureSize;

    /// <summary>Largest envelope.</summary>
    public const int MaxSize = FixedSize + 1 + UserAddress.MaxLength + 1 + MaxMimeTypeLength + Ed25519.SignatureSize;

    /// <summary>The context label of the sender's signature (§2.7).</summary>
    public static ReadOnlySpan<byte> SignatureContext => "tern/v1/envelope\n"u8;

    /// <summary>Length of the signed envelope.</summary>
    public int EncodedLength => FixedSize + 1 + (SenderAddress?.Length ?? 0) + 1 + (MimeType?.Length ?? 0) + Ed25519.SignatureSize;

    /// <summary>
    /// Writes the envelope signed with the sender's Ed25519 key and returns its length (§15.1). Throws when a field
    /// breaks §15.1 or the key is not the one of <paramref name="senderRecord"/> that the envelope names: an envelope
    /// that would not verify is never produced.
    /// </summary>
    public int Sign(Key senderSigningKey, UserKeyRecord senderRecord, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(senderSigningKey);
        Span<byte> publicKey = stackalloc byte[Ed25519.PublicKeySize];
        Ed25519.PublicKeyOf(senderSigningKey, publicKey);
        if (new Bytes32(publicKey) != senderRecord.SigningKey || senderRecord.Fingerprint != SenderKeyFingerprint
            || !string.Equals(senderRecord.Address, SenderAddress, StringComparison.Ordinal))
        {
            throw new ArgumentException("The signing key, the record and the envelope's fingerprint and sender must belong together.", nameof(senderSigningKey));
        }

        if ((Flags & ~(EnvelopeFlags.Retraction | EnvelopeFlags.ReadReceiptRequested | EnvelopeFlags.EscrowDisclosed)) != 0
            || SentAtMs < 0 || TransitExpiryMs < 0 || PayloadSize < 0 || !CipherFits(PayloadCipher, ContentKey)
            || MimeType is null || MimeType.Length > MaxMimeTypeLength || MimeType.Any(c => c is < ' ' or > '~'))
        {
            throw new InvalidOperationException("An envelope needs defined flags, non-negative times and size, a content key that fits the payload cipher (random with a cipher, all zero without), and a MIME type of 0–127 printable ASCII (docs/PROTOCOL.md §15.1).");
        }

        var length = EncodedLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        destination[0] = Version;
        destination[1] = (byte)Flags;
        MessageId.CopyTo(destination[2..]);
        ThreadId.CopyTo(destination[34..]);
        RecipientHash.CopyTo(destination[66..]);
        SenderKeyFingerprint.CopyTo(destination[98..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[130..], SentAtMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[138..], TransitExpiryMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[146..], PayloadSize);
        PayloadHash.CopyTo(destination[154..]);
        destination[186] = (byte)PayloadCipher;
        ContentKey.CopyTo(destination[187..]);
        var offset = FixedSize;
        WireFields.WriteShortString(destination, ref offset, SenderAddress);
        WireFields.WriteShortString(destination, ref offset, MimeType);
        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize];
        Ed25519.Sign(senderSigningKey, WireFields.Signed(signed, SignatureContext, destination[..offset]), destination.Slice(offset, Ed25519.SignatureSize));
        return length;
    }

    /// <summary>The envelope without its content key, which is a secret.</summary>
    public override string ToString() =>
        $"SignedEnvelope {{ MessageId = {MessageId}, SenderAddress = {SenderAddress}, RecipientHash = {RecipientHash}, PayloadSize = {PayloadSize}, PayloadCipher = {PayloadCipher} }}";

    /// <summary>
    /// Parses the envelope's fields (§15.1) without judging the signature, which needs the sender's key record
    /// (<see cref="EnvelopeVerification.Verify"/>). Never throws; never reads past <paramref name="source"/>.
    /// <paramref name="signedLength"/> is the length of the signed bytes (everything before the signature).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out SignedEnvelope envelope, out int signedLength, out EnvelopeError error)
    {
        envelope = default;
        signedLength = 0;
        error = Validate(source, out var address, out var mime, out var offset);
        if (error != EnvelopeError.None)
        {
            return false;
        }

        signedLength = offset;
        envelope = new SignedEnvelope(
            (EnvelopeFlags)source[1],
            new MessageId(source[2..]),
            new MessageId(source[34..]),
            new RecipientHash(source[66..]),
            new Bytes32(source[98..]),
            BinaryPrimitives.ReadInt64BigEndian(source[130..]),
            BinaryPrimitives.ReadInt64BigEndian(source[138..]),
            BinaryPrimitives.ReadInt64BigEndian(source[146..]),
            new Bytes32(source[154..]),
            (PayloadCipher)source[186],
            new Bytes32(source[187..]),
            Encoding.ASCII.GetString(address),
            Encoding.ASCII.GetString(mime));
        return true;
    }

    private static EnvelopeError Validate(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> address, out ReadOnlySpan<byte> mime, out int offset)
    {
        address = mime = default;
        offset = FixedSize;
        if (source.Length < MinSize)
        {
            return EnvelopeError.Truncated;
        }

        if (source[0] != Version)
        {
            return EnvelopeError.UnknownVersion;
        }

        if ((source[1] & ~0x07) != 0)
        {
            return EnvelopeError.ReservedFlags;
        }

        if (!WireFields.TryReadShortString(source, ref offset, out address) || !WireFields.TryReadShortString(source, ref offset, out mime)
            || source.Length - offset < Ed25519.SignatureSize)
        {
            return EnvelopeError.Truncated;
        }

        if (source.Length - offset > Ed25519.SignatureSize)
        {
            return EnvelopeError.TrailingBytes;
        }

        if (BinaryPrimitives.ReadInt64BigEndian(source[130..]) < 0 || BinaryPrimitives.ReadInt64BigEndian(source[138..]) < 0
            || BinaryPrimitives.ReadInt64BigEndian(source[146..]) < 0)
        {
            return EnvelopeError.ValueOutOfRange;
        }

        if (source[186] > (byte)PayloadCipher.ChunkedXChaCha20Poly1305 || (source[186] == (byte)PayloadCipher.None && !new Bytes32(source.Slice(187, 32)).IsZero))
        {
            return EnvelopeError.BadPayloadCipher;
        }

        if (!UserAddress.IsValid(address))
        {
            return EnvelopeError.BadSenderAddress;
        }

        return mime.Length > MaxMimeTypeLength || !WireFields.IsPrintableAscii(mime) ? EnvelopeError.BadMimeType : EnvelopeError.None;
    }

    /// <summary>A cipher carries a content key (all zero would be no key at all); no cipher carries none.</summary>
    private static bool CipherFits(PayloadCipher cipher, Bytes32 key) => cipher switch
    {
        PayloadCipher.None => key.IsZero,
        PayloadCipher.ChunkedXChaCha20Poly1305 => !key.IsZero,
        _ => false,
    };
}
