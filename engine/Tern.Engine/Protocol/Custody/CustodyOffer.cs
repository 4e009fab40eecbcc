using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Custody;

/// <summary>
/// A sender domain's signed offer of one blob's deliveries to one recipient domain to a gateway (docs/PROTOCOL.md §10.2).
/// The gateway verifies it (<see cref="TryParse"/>, then <see cref="SenderSigningKey"/> against the sender domain's
/// descriptor), decides before fetching anything, fetches the blob with <see cref="TransferCapability"/> from the sender's
/// doors, and answers with a receipt (§10.1) or a decline (§10.3). One offer per blob and recipient domain, as receipts are.
/// </summary>
public sealed class CustodyOffer
{
    /// <summary>The offer format version.</summary>
    public const byte Version = 1;

    /// <summary>Most recipient hashes in one offer: a submission's recipients (docs/PROTOCOL.md §10.2).</summary>
    public const int MaxRecipients = 1000;

    /// <summary>Longest MIME hint, as in a notification record (§4.2).</summary>
    public const int MaxMimeHint = 127;

    /// <summary>Bytes before <c>sender_domain</c>.</summary>
    public const int FixedSize = 1 + Bytes32.Size + Bytes32.Size + Bytes32.Size + 8 + 8 + 8 + Bytes32.Size;

    /// <summary>Smallest offer: three one-byte domains, no MIME hint, one recipient.</summary>
    public const int MinSize = FixedSize + (3 * 2) + 1 + 2 + Bytes32.Size + Ed25519.SignatureSize;

    /// <summary>Largest offer: three 253-byte domains, a 127-byte MIME hint and 1000 recipients (33 109 bytes).</summary>
    public const int MaxSize = FixedSize + (3 * (1 + DomainName.MaxLength)) + 1 + MaxMimeHint + 2 + (MaxRecipients * Bytes32.Size) + Ed25519.SignatureSize;

    /// <summary>The context label prefixed to the signed bytes (§2.7).</summary>
    public static ReadOnlySpan<byte> SignatureContext => "tern/v1/offer\n"u8;

    /// <summary>The blob's message id (§7), the same the receipt will carry.</summary>
    public required MessageId MessageId { get; init; }

    /// <summary>The capability the gateway fetches the blob with: the sender's, for this offer only, never notified (§10.5).</summary>
    public required FetchCapability TransferCapability { get; init; }

    /// <summary>The payload hash of the whole blob (§4.8).</summary>
    public required Bytes32 PayloadHash { get; init; }

    /// <summary>Blob length in bytes.</summary>
    public required long PayloadSize { get; init; }

    /// <summary>The expiry the sender needs honoured, ms since the epoch: its own transit expiry for the blob.</summary>
    public required long RequestedExpiryMs { get; init; }

    /// <summary>When the sender made the offer, ms since the epoch.</summary>
    public required long OfferedAtMs { get; init; }

    /// <summary>The sender domain's Ed25519 public key that signs the offer.</summary>
    public required Bytes32 SenderSigningKey { get; init; }

    /// <summary>The domain that submitted the blob; the gateway's notifications carry it as <c>sender_domain</c> (§10.6).</summary>
    public required string SenderDomain { get; init; }

    /// <summary>The recipient domain the deliveries go to.</summary>
    public required string RecipientDomain { get; init; }

    /// <summary>The gateway the offer is made to: a signature for one gateway is worth nothing to another.</summary>
    public required string GatewayDomain { get; init; }

    /// <summary>The MIME hint the notifications carry, 0–127 printable ASCII bytes; empty for none.</summary>
    public string MimeHint { get; init; } = "";

    /// <summary>The recipient hashes of the deliveries at <see cref="RecipientDomain"/>, 1–1000, distinct.</summary>
    public required IReadOnlyList<RecipientHash> RecipientHashes { get; init; }

    /// <summary>Length of the signed offer.</summary>
    public int EncodedLength => FixedSize + 1 + SenderDomain.Length + 1 + RecipientDomain.Length + 1 + GatewayDomain.Length + 1 + MimeHint.Length
        + 2 + (RecipientHashes.Count * Bytes32.Size) + Ed25519.SignatureSize;

    /// <summary>
    /// Writes the offer and its signature by <paramref name="senderKeys"/> and returns its length (docs/PROTOCOL.md §10.2).
    /// Throws when a field breaks §10.2 or the keys are not <see cref="SenderSigningKey"/> of <see cref="SenderDomain"/>:
    /// an offer that would not verify is never produced.
    /// </summary>
    public int Sign(IDomainKeys senderKeys, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(senderKeys);
        if (new Bytes32(senderKeys.SigningPublicKey) != SenderSigningKey || !string.Equals(senderKeys.Domain, SenderDomain, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The key set of '{senderKeys.Domain}' is not the offer's sender key of '{SenderDomain}'.", nameof(senderKeys));
        }

        if (PayloadSize < 0 || OfferedAtMs < 0 || RequestedExpiryMs <= OfferedAtMs)
        {
            throw new InvalidOperationException("An offer needs a non-negative size and time, and requested_expiry after offered_at (docs/PROTOCOL.md §10.2).");
        }

        if (RecipientHashes.Count is 0 or > MaxRecipients || RecipientHashes.Distinct().Count() != RecipientHashes.Count)
        {
            throw new InvalidOperationException($"An offer names 1–{MaxRecipients} distinct recipient hashes (docs/PROTOCOL.md §10.2).");
        }

        if (MimeHint.Length > MaxMimeHint || !WireFields.IsPrintableAscii(Encoding.ASCII.GetBytes(MimeHint)) || MimeHint.Any(c => c > 0x7e))
        {
            throw new InvalidOperationException("The MIME hint must be 0–127 bytes of printable ASCII (docs/PROTOCOL.md §4.2).");
        }

        var length = EncodedLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        destination[0] = Version;
        MessageId.Value.CopyTo(destination[1..]);
        TransferCapability.CopyTo(destination[33..]);
        PayloadHash.CopyTo(destination[65..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[97..], PayloadSize);
        BinaryPrimitives.WriteInt64BigEndian(destination[105..], RequestedExpiryMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[113..], OfferedAtMs);
        SenderSigningKey.CopyTo(destination[121..]);
        var offset = FixedSize;
        WriteDomain(destination, ref offset, SenderDomain, "sender_domain");
        WriteDomain(destination, ref offset, RecipientDomain, "recipient_domain");
        WriteDomain(destination, ref offset, GatewayDomain, "gateway_domain");
        WireFields.WriteShortString(destination, ref offset, MimeHint);
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)RecipientHashes.Count);
        offset += 2;
        foreach (var hash in RecipientHashes)
        {
            hash.CopyTo(destination[offset..]);
            offset += Bytes32.Size;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(SignatureContext.Length + offset);
        try
        {
            senderKeys.Sign(WireFields.Signed(buffer, SignatureContext, destination[..offset]), destination.Slice(offset, Ed25519.SignatureSize));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return length;
    }

    /// <summary>
    /// Parses and verifies an offer (docs/PROTOCOL.md §10.2): exact layout, version 1, valid domains and MIME hint, 1–1000
    /// distinct recipient hashes, <c>requested_expiry</c> after <c>offered_at</c>, and the signature under the embedded
    /// <c>sender_signing_key</c>. The caller still checks that key against the sender domain's descriptor. Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out CustodyOffer? offer, out CustodyOfferError error)
    {
        offer = null;
        error = Check(source, out var fields);
        if (error != CustodyOfferError.None)
        {
            return false;
        }

        var hashes = new RecipientHash[fields.Count];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = new RecipientHash(source.Slice(fields.Hashes + (i * Bytes32.Size), Bytes32.Size));
        }

        offer = new CustodyOffer
        {
            MessageId = new MessageId(source[1..]),
            TransferCapability = new FetchCapability(source[33..]),
            PayloadHash = new Bytes32(source[65..]),
            PayloadSize = BinaryPrimitives.ReadInt64BigEndian(source[97..]),
            RequestedExpiryMs = BinaryPrimitives.ReadInt64BigEndian(source[105..]),
            OfferedAtMs = BinaryPrimitives.ReadInt64BigEndian(source[113..]),
            SenderSigningKey = new Bytes32(source[121..]),
            SenderDomain = Encoding.ASCII.GetString(source.Slice(fields.Sender.Start, fields.Sender.Length)),
            RecipientDomain = Encoding.ASCII.GetString(source.Slice(fields.Recipient.Start, fields.Recipient.Length)),
            GatewayDomain = Encoding.ASCII.GetString(source.Slice(fields.Gateway.Start, fields.Gateway.Length)),
            MimeHint = Encoding.ASCII.GetString(source.Slice(fields.Mime.Start, fields.Mime.Length)),
            RecipientHashes = hashes,
        };
        return true;
    }

    /// <summary>Every check of §10.2 on the raw bytes, cheapest first, so a forgery costs a signature check only when well-formed.</summary>
    private static CustodyOfferError Check(ReadOnlySpan<byte> source, out Layout fields)
    {
        fields = default;
        if (source.Length < MinSize)
        {
            return CustodyOfferError.Truncated;
        }

        if (source[0] != Version)
        {
            return CustodyOfferError.UnknownVersion;
        }

        var offset = FixedSize;
        var start = offset + 1;
        if (!WireFields.TryReadShortString(source, ref offset, out var sender))
        {
            return CustodyOfferError.Truncated;
        }

        fields.Sender = (start, sender.Length);
        start = offset + 1;
        if (!WireFields.TryReadShortString(source, ref offset, out var recipient))
        {
            return CustodyOfferError.Truncated;
        }

        fields.Recipient = (start, recipient.Length);
        start = offset + 1;
        if (!WireFields.TryReadShortString(source, ref offset, out var gateway))
        {
            return CustodyOfferError.Truncated;
        }

        fields.Gateway = (start, gateway.Length);
        start = offset + 1;
        if (!WireFields.TryReadShortString(source, ref offset, out var mime) || source.Length - offset < 2)
        {
            return CustodyOfferError.Truncated;
        }

        fields.Mime = (start, mime.Length);
        fields.Count = BinaryPrimitives.ReadUInt16BigEndian(source[offset..]);
        offset += 2;
        fields.Hashes = offset;
        if (fields.Count is 0 or > MaxRecipients)
        {
            return CustodyOfferError.BadRecipientCount;
        }

        var signatureAt = offset + (fields.Count * Bytes32.Size);
        if (source.Length - signatureAt < Ed25519.SignatureSize)
        {
            return CustodyOfferError.Truncated;
        }

        if (source.Length - signatureAt > Ed25519.SignatureSize)
        {
            return CustodyOfferError.TrailingBytes;
        }

        // u64 on the wire; anything above long.MaxValue reads as negative and cannot be a real size or time.
        var size = BinaryPrimitives.ReadInt64BigEndian(source[97..]);
        var expiry = BinaryPrimitives.ReadInt64BigEndian(source[105..]);
        var offeredAt = BinaryPrimitives.ReadInt64BigEndian(source[113..]);
        if (size < 0 || expiry < 0 || offeredAt < 0)
        {
            return CustodyOfferError.ValueOutOfRange;
        }

        if (!DomainName.IsValid(sender))
        {
            return CustodyOfferError.BadSenderDomain;
        }

        if (!DomainName.IsValid(recipient))
        {
            return CustodyOfferError.BadRecipientDomain;
        }

        if (!DomainName.IsValid(gateway))
        {
            return CustodyOfferError.BadGatewayDomain;
        }

        if (mime.Length > MaxMimeHint || !WireFields.IsPrintableAscii(mime))
        {
            return CustodyOfferError.BadMimeHint;
        }

        if (HasDuplicate(source.Slice(fields.Hashes, fields.Count * Bytes32.Size)))
        {
            return CustodyOfferError.DuplicateRecipient;
        }

        if (expiry <= offeredAt)
        {
            return CustodyOfferError.ExpiryNotAfterOffer;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(SignatureContext.Length + signatureAt);
        try
        {
            var message = WireFields.Signed(buffer, SignatureContext, source[..signatureAt]);
            return Ed25519.Verify(source.Slice(121, Ed25519.PublicKeySize), message, source[signatureAt..])
                ? CustodyOfferError.None
                : CustodyOfferError.BadSignature;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool HasDuplicate(ReadOnlySpan<byte> hashes)
    {
        var seen = new HashSet<Bytes32>(hashes.Length / Bytes32.Size);
        for (var at = 0; at < hashes.Length; at += Bytes32.Size)
        {
            if (!seen.Add(new Bytes32(hashes.Slice(at, Bytes32.Size))))
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteDomain(Span<byte> destination, scoped ref int offset, string domain, string field)
    {
        // Non-ASCII characters become '?', which DomainName.IsValid refuses, so one check covers both.
        if (domain is null || domain.Length is 0 or > DomainName.MaxLength
            || Encoding.ASCII.GetBytes(domain, destination[(offset + 1)..]) != domain.Length
            || !DomainName.IsValid(destination.Slice(offset + 1, domain.Length)))
        {
            throw new InvalidOperationException($"{field} '{domain}' is not a valid domain name (docs/PROTOCOL.md §2.4).");
        }

        destination[offset] = (byte)domain.Length;
        offset += 1 + domain.Length;
    }

    /// <summary>Where the variable fields sit in a checked offer.</summary>
    private struct Layout
    {
        public (int Start, int Length) Sender;
        public (int Start, int Length) Recipient;
        public (int Start, int Length) Gateway;
        public (int Start, int Length) Mime;
        public int Count;
        public int Hashes;
    }
}
