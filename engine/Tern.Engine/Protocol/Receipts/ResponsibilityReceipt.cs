using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Receipts;

/// <summary>
/// A gateway's signed promise to hold a blob and notify and serve in the sender's place until
/// <see cref="HonouredExpiryMs"/> (docs/PROTOCOL.md §10). The sender verifies it, checks that
/// <see cref="GatewaySigningKey"/> is the key in <see cref="GatewayDomain"/>'s descriptor (which
/// <see cref="TryParse"/> cannot do), and ends its own obligation for <see cref="RecipientDomain"/>.
/// One per blob and recipient domain, not per packet: the domains are strings.
/// </summary>
/// <param name="MessageId">The blob's message id.</param>
/// <param name="PayloadHash">The payload hash of the whole blob (§4.8).</param>
/// <param name="PayloadSize">Blob length in bytes.</param>
/// <param name="AcceptedAtMs">When the gateway took responsibility, ms since the epoch.</param>
/// <param name="HonouredExpiryMs">The expiry the gateway commits to, ms since the epoch; may differ from the sender's.</param>
/// <param name="GatewaySigningKey">The gateway domain's Ed25519 public key that signed the receipt.</param>
/// <param name="RecipientDomain">The recipient domain the gateway now notifies.</param>
/// <param name="GatewayDomain">The gateway's domain.</param>
public readonly record struct ResponsibilityReceipt(
    MessageId MessageId,
    Bytes32 PayloadHash,
    long PayloadSize,
    long AcceptedAtMs,
    long HonouredExpiryMs,
    Bytes32 GatewaySigningKey,
    string RecipientDomain,
    string GatewayDomain)
{
    /// <summary>The receipt format version.</summary>
    public const byte Version = 1;

    /// <summary>Bytes before <c>recipient_domain</c>.</summary>
    public const int FixedSize = 1 + Bytes32.Size + Bytes32.Size + 8 + 8 + 8 + Bytes32.Size;

    /// <summary>Smallest receipt: two one-byte domains.</summary>
    public const int MinSize = FixedSize + 2 + 2 + Ed25519.SignatureSize;

    /// <summary>Largest receipt: two 253-byte domains.</summary>
    public const int MaxSize = FixedSize + 2 * (1 + DomainName.MaxLength) + Ed25519.SignatureSize;

    /// <summary>The context label prefixed to the signed bytes, so a receipt signature verifies for nothing else (§2.7).</summary>
    public static ReadOnlySpan<byte> SignatureContext => "tern/v1/receipt\n"u8;

    /// <summary>Length of the signed receipt.</summary>
    public int EncodedLength => FixedSize + 1 + (RecipientDomain?.Length ?? 0) + 1 + (GatewayDomain?.Length ?? 0) + Ed25519.SignatureSize;

    /// <summary>
    /// Writes the receipt and its signature by <paramref name="gatewayKeys"/> into <paramref name="destination"/>
    /// and returns its length (docs/PROTOCOL.md §10). Throws when a field breaks §10 (invalid domain, expiry not
    /// after acceptance, negative size) or when the keys are not <see cref="GatewaySigningKey"/> of
    /// <see cref="GatewayDomain"/>: a receipt that would not verify is never produced.
    /// </summary>
    public int Sign(IDomainKeys gatewayKeys, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(gatewayKeys);
        if (new Bytes32(gatewayKeys.SigningPublicKey) != GatewaySigningKey)
        {
            throw new ArgumentException("The key set's signing key is not the receipt's gateway_signing_key.", nameof(gatewayKeys));
        }

        if (!string.Equals(gatewayKeys.Domain, GatewayDomain, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The key set speaks for '{gatewayKeys.Domain}', not the receipt's gateway domain '{GatewayDomain}'.", nameof(gatewayKeys));
        }

        if (PayloadSize < 0 || AcceptedAtMs < 0 || HonouredExpiryMs <= AcceptedAtMs)
        {
            throw new InvalidOperationException("A receipt needs a non-negative size and time, and honoured_expiry after accepted_at (docs/PROTOCOL.md §10).");
        }

        var length = EncodedLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        destination[0] = Version;
        MessageId.CopyTo(destination[1..]);
        PayloadHash.CopyTo(destination[33..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[65..], PayloadSize);
        BinaryPrimitives.WriteInt64BigEndian(destination[73..], AcceptedAtMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[81..], HonouredExpiryMs);
        GatewaySigningKey.CopyTo(destination[89..]);
        var offset = FixedSize;
        WriteDomain(destination, ref offset, RecipientDomain, nameof(RecipientDomain));
        WriteDomain(destination, ref offset, GatewayDomain, nameof(GatewayDomain));

        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize - Ed25519.SignatureSize];
        var message = Concat(signed, destination[..offset]);
        gatewayKeys.Sign(message, destination.Slice(offset, Ed25519.SignatureSize));
        return length;
    }

    /// <summary>
    /// Parses and verifies a receipt (docs/PROTOCOL.md §10): exact layout, version 1, valid domain names,
    /// <c>honoured_expiry</c> after <c>accepted_at</c>, and the signature under the embedded
    /// <c>gateway_signing_key</c>. The caller still checks that key against the gateway domain's descriptor.
    /// Never throws; never reads past <paramref name="source"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out ResponsibilityReceipt receipt, out ReceiptError error)
    {
        receipt = default;
        error = Check(source, out var recipientDomain, out var gatewayDomain);
        if (error != ReceiptError.None)
        {
            return false;
        }

        receipt = new ResponsibilityReceipt(
            new MessageId(source[1..]),
            new Bytes32(source[33..]),
            BinaryPrimitives.ReadInt64BigEndian(source[65..]),
            BinaryPrimitives.ReadInt64BigEndian(source[73..]),
            BinaryPrimitives.ReadInt64BigEndian(source[81..]),
            new Bytes32(source[89..]),
            Encoding.ASCII.GetString(recipientDomain),
            Encoding.ASCII.GetString(gatewayDomain));
        return true;
    }

    /// <summary>Every check of §10 on the raw bytes, cheapest first, so forgeries cost a signature check only when well-formed.</summary>
    private static ReceiptError Check(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> recipientDomain, out ReadOnlySpan<byte> gatewayDomain)
    {
        recipientDomain = gatewayDomain = default;
        if (source.Length < MinSize)
        {
            return ReceiptError.Truncated;
        }

        if (source[0] != Version)
        {
            return ReceiptError.UnknownVersion;
        }

        var offset = FixedSize;
        if (!WireFields.TryReadShortString(source, ref offset, out recipientDomain) || !WireFields.TryReadShortString(source, ref offset, out gatewayDomain)
            || source.Length - offset < Ed25519.SignatureSize)
        {
            return ReceiptError.Truncated;
        }

        if (source.Length - offset > Ed25519.SignatureSize)
        {
            return ReceiptError.TrailingBytes;
        }

        // u64 on the wire; anything above long.MaxValue reads as negative and cannot be a real size or time.
        var payloadSize = BinaryPrimitives.ReadInt64BigEndian(source[65..]);
        var acceptedAt = BinaryPrimitives.ReadInt64BigEndian(source[73..]);
        var honouredExpiry = BinaryPrimitives.ReadInt64BigEndian(source[81..]);
        if (payloadSize < 0 || acceptedAt < 0 || honouredExpiry < 0)
        {
            return ReceiptError.ValueOutOfRange;
        }

        if (!DomainName.IsValid(recipientDomain))
        {
            return ReceiptError.BadRecipientDomain;
        }

        if (!DomainName.IsValid(gatewayDomain))
        {
            return ReceiptError.BadGatewayDomain;
        }

        if (honouredExpiry <= acceptedAt)
        {
            return ReceiptError.ExpiryNotAfterAcceptance;
        }

        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize - Ed25519.SignatureSize];
        var message = Concat(signed, source[..offset]);
        return Ed25519.Verify(source.Slice(89, Ed25519.PublicKeySize), message, source[offset..])
            ? ReceiptError.None
            : ReceiptError.BadSignature;
    }

    /// <summary>The context label followed by <paramref name="body"/>, in <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<byte> Concat(Span<byte> buffer, ReadOnlySpan<byte> body)
    {
        SignatureContext.CopyTo(buffer);
        body.CopyTo(buffer[SignatureContext.Length..]);
        return buffer[..(SignatureContext.Length + body.Length)];
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
}
