using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;

namespace Tern.Engine.Bulk;

/// <summary>
/// The signed head of a bulk session's block (docs/PROTOCOL.md §17.3): the session, its bound, both gateways, and one
/// entry per blob, signed with the sending gateway's domain key. The blobs' bytes follow it in the block, in entry order.
/// </summary>
public sealed class BulkManifest
{
    /// <summary>The manifest format version.</summary>
    public const byte Version = 1;

    /// <summary>Most blobs in one session.</summary>
    public const int MaxBlobs = 1024;

    /// <summary>Most recipients of one blob (as a submission, §12).</summary>
    public const int MaxRecipients = 1000;

    /// <summary>Largest manifest, signature included.</summary>
    public const int MaxSize = 4 * 1024 * 1024;

    /// <summary>Bytes before <c>sender_gateway</c>.</summary>
    public const int FixedSize = 1 + 4 + BulkSessionId.Size + 8 + 8 + 8 + Bytes32.Size;

    /// <summary>The context label prefixed to the signed bytes (§2.7).</summary>
    public static ReadOnlySpan<byte> SignatureContext => "tern/v1/bulk-manifest\n"u8;

    /// <summary>The session.</summary>
    public required BulkSessionId Session { get; init; }

    /// <summary>When the sender opened the session, ms since the epoch.</summary>
    public required long CreatedAtMs { get; init; }

    /// <summary>The session's bound (§17.6), ms since the epoch: the receiver forgets it one light time after.</summary>
    public required long DeadlineMs { get; init; }

    /// <summary>The contact's one-way light time, ms.</summary>
    public required long OneWayLightTimeMs { get; init; }

    /// <summary>The sending gateway's Ed25519 key that signs the manifest.</summary>
    public required Bytes32 SenderSigningKey { get; init; }

    /// <summary>The sending gateway's domain.</summary>
    public required string SenderGateway { get; init; }

    /// <summary>The receiving gateway's domain.</summary>
    public required string ReceiverGateway { get; init; }

    /// <summary>The blobs, in block order.</summary>
    public required IReadOnlyList<BulkManifestEntry> Entries { get; init; }

    /// <summary>Bytes of the manifest, signature included.</summary>
    public int EncodedLength
    {
        get
        {
            var length = FixedSize + 1 + SenderGateway.Length + 1 + ReceiverGateway.Length + 2 + Ed25519.SignatureSize;
            foreach (var entry in Entries)
            {
                length += entry.EncodedLength;
            }

            return length;
        }
    }

    /// <summary>Bytes of the blobs after the manifest.</summary>
    public long PayloadBytes
    {
        get
        {
            long total = 0;
            foreach (var entry in Entries)
            {
                total += entry.PayloadSize;
            }

            return total;
        }
    }

    /// <summary>Where blob <paramref name="index"/> starts in the block.</summary>
    public long BlobOffset(int index)
    {
        long offset = EncodedLength;
        for (var i = 0; i < index; i++)
        {
            offset += Entries[i].PayloadSize;
        }

        return offset;
    }

    /// <summary>Encodes and signs the manifest with <paramref name="keys"/> (the sending gateway's). Throws for fields §17.3 forbids.</summary>
    public byte[] Sign(IDomainKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (new Bytes32(keys.SigningPublicKey) != SenderSigningKey || !string.Equals(keys.Domain, SenderGateway, StringComparison.Ordinal))
        {
            throw new ArgumentException("The key set is not the manifest's sending gateway's.", nameof(keys));
        }

        if (Entries.Count is 0 or > MaxBlobs || EncodedLength > MaxSize)
        {
            throw new InvalidOperationException($"A manifest holds 1 to {MaxBlobs} blobs in at most {MaxSize} bytes.");
        }

        var bytes = new byte[EncodedLength];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], bytes.Length);
        Session.Write(span[5..]);
        BinaryPrimitives.WriteInt64BigEndian(span[21..], CreatedAtMs);
        BinaryPrimitives.WriteInt64BigEndian(span[29..], DeadlineMs);
        BinaryPrimitives.WriteInt64BigEndian(span[37..], OneWayLightTimeMs);
        SenderSigningKey.CopyTo(span[45..]);
        var offset = FixedSize;
        WireFields.WriteShortString(span, ref offset, SenderGateway);
        WireFields.WriteShortString(span, ref offset, ReceiverGateway);
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)Entries.Count);
        offset += 2;
        foreach (var entry in Entries)
        {
            if (entry.RecipientHashes.Count is 0 or > MaxRecipients || entry.PayloadSize < 0 || entry.MimeHint.Length > 127)
            {
                throw new InvalidOperationException("A manifest entry needs 1 to 1000 recipients, a size and a MIME hint of at most 127 bytes.");
            }

            entry.MessageId.CopyTo(span[offset..]);
            entry.PayloadHash.CopyTo(span[(offset + 32)..]);
            BinaryPrimitives.WriteInt64BigEndian(span[(offset + 64)..], entry.PayloadSize);
            BinaryPrimitives.WriteInt64BigEndian(span[(offset + 72)..], entry.ExpiryMs);
            offset += 80;
            WireFields.WriteShortString(span, ref offset, entry.SenderDomain);
            WireFields.WriteShortString(span, ref offset, entry.RecipientDomain);
            WireFields.WriteShortString(span, ref offset, entry.MimeHint);
            BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)entry.RecipientHashes.Count);
            offset += 2;
            foreach (var hash in entry.RecipientHashes)
            {
                hash.Value.CopyTo(span[offset..]);
                offset += Bytes32.Size;
            }
        }

        var signed = new byte[SignatureContext.Length + offset];
        keys.Sign(WireFields.Signed(signed, SignatureContext, span[..offset]), span.Slice(offset, Ed25519.SignatureSize));
        return bytes;
    }

    /// <summary>
    /// The manifest's length from its first five bytes (so a receiver knows how much of the block to wait for), or -1 when
    /// they cannot start a manifest.
    /// </summary>
    public static int PeekLength(ReadOnlySpan<byte> head)
    {
        if (head.Length < 5 || head[0] != Version)
        {
            return -1;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(head[1..]);
        return length is < FixedSize or > MaxSize ? -1 : length;
    }

    /// <summary>
    /// Parses a manifest and verifies its signature under the embedded <c>sender_signing_key</c> (§17.3): exact layout,
    /// version 1, valid domains, 1 to 1024 entries with 1 to 1000 distinct-enough recipients, non-negative sizes. The caller
    /// still checks that key against the sending gateway's descriptor. Null, never an exception, when anything is wrong.
    /// </summary>
    public static BulkManifest? TryParse(ReadOnlySpan<byte> source)
    {
        if (PeekLength(source) != source.Length || source.Length < FixedSize + 4 + 2 + Ed25519.SignatureSize)
        {
            return null;
        }

        var offset = FixedSize;
        if (!WireFields.TryReadShortString(source, ref offset, out var senderGateway) || !DomainName.IsValid(senderGateway)
            || !WireFields.TryReadShortString(source, ref offset, out var receiverGateway) || !DomainName.IsValid(receiverGateway)
            || source.Length - offset < 2)
        {
            return null;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(source[offset..]);
        offset += 2;
        if (count is 0 or > MaxBlobs)
        {
            return null;
        }

        var entries = new BulkManifestEntry[count];
        for (var i = 0; i < count; i++)
        {
            if (TryReadEntry(source, ref offset) is not { } entry)
            {
                return null;
            }

            entries[i] = entry;
        }

        if (source.Length - offset != Ed25519.SignatureSize)
        {
            return null;
        }

        var signed = new byte[SignatureContext.Length + offset];
        if (!Ed25519.Verify(source[45..77], WireFields.Signed(signed, SignatureContext, source[..offset]), source[offset..]))
        {
            return null;
        }

        var manifest = new BulkManifest
        {
            Session = BulkSessionId.Read(source[5..]),
            CreatedAtMs = BinaryPrimitives.ReadInt64BigEndian(source[21..]),
            DeadlineMs = BinaryPrimitives.ReadInt64BigEndian(source[29..]),
            OneWayLightTimeMs = BinaryPrimitives.ReadInt64BigEndian(source[37..]),
            SenderSigningKey = new Bytes32(source[45..]),
            SenderGateway = Encoding.ASCII.GetString(senderGateway),
            ReceiverGateway = Encoding.ASCII.GetString(receiverGateway),
            Entries = entries,
        };
        return manifest.CreatedAtMs < 0 || manifest.DeadlineMs <= manifest.CreatedAtMs || manifest.OneWayLightTimeMs < 0 ? null : manifest;
    }

    private static BulkManifestEntry? TryReadEntry(ReadOnlySpan<byte> source, ref int offset)
    {
        if (source.Length - offset < 80)
        {
            return null;
        }

        var messageId = new MessageId(source[offset..]);
        var payloadHash = new Bytes32(source[(offset + 32)..]);
        var size = BinaryPrimitives.ReadInt64BigEndian(source[(offset + 64)..]);
        var expiry = BinaryPrimitives.ReadInt64BigEndian(source[(offset + 72)..]);
        offset += 80;
        if (size < 0 || expiry < 0
            || !WireFields.TryReadShortString(source, ref offset, out var sender) || !DomainName.IsValid(sender)
            || !WireFields.TryReadShortString(source, ref offset, out var recipient) || !DomainName.IsValid(recipient)
            || !WireFields.TryReadShortString(source, ref offset, out var mime) || mime.Length > 127 || !WireFields.IsPrintableAscii(mime)
            || source.Length - offset < 2)
        {
            return null;
        }

        int recipients = BinaryPrimitives.ReadUInt16BigEndian(source[offset..]);
        offset += 2;
        if (recipients is 0 or > MaxRecipients || source.Length - offset < recipients * Bytes32.Size)
        {
            return null;
        }

        var hashes = new RecipientHash[recipients];
        for (var i = 0; i < recipients; i++)
        {
            hashes[i] = new RecipientHash(source[offset..]);
            offset += Bytes32.Size;
        }

        return new BulkManifestEntry(messageId, payloadHash, size, expiry, Encoding.ASCII.GetString(sender), Encoding.ASCII.GetString(recipient), Encoding.ASCII.GetString(mime), hashes);
    }
}
