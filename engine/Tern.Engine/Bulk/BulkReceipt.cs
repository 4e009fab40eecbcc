using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;

namespace Tern.Engine.Bulk;

/// <summary>
/// One signed receipt per bulk session (docs/PROTOCOL.md §17.5): the receiving gateway's promise, under its domain key as
/// §10.1's receipts are, to hold and notify every blob the bitmap marks, each until the expiry its manifest entry names.
/// It binds the manifest by hash and the accepted blobs by a Merkle root (<see cref="BulkMerkle"/>).
/// </summary>
public sealed class BulkReceipt
{
    /// <summary>The receipt format version.</summary>
    public const byte Version = 1;

    /// <summary>Bytes before the bitmap.</summary>
    public const int FixedSize = 1 + BulkSessionId.Size + Bytes32.Size + Bytes32.Size + 2 + 2 + 8 + Bytes32.Size;

    /// <summary>The largest receipt: 1024 blobs and a 253-byte domain.</summary>
    public const int MaxSize = FixedSize + (BulkManifest.MaxBlobs / 8) + 1 + DomainName.MaxLength + Ed25519.SignatureSize;

    /// <summary>The context label prefixed to the signed bytes (§2.7).</summary>
    public static ReadOnlySpan<byte> SignatureContext => "tern/v1/bulk-receipt\n"u8;

    /// <summary>The session.</summary>
    public required BulkSessionId Session { get; init; }

    /// <summary>BLAKE2b-256 of the manifest's bytes, signature included.</summary>
    public required Bytes32 ManifestHash { get; init; }

    /// <summary>The Merkle root over the accepted blobs.</summary>
    public required Bytes32 Root { get; init; }

    /// <summary>One flag per manifest entry: held by the receiving gateway.</summary>
    public required bool[] Accepted { get; init; }

    /// <summary>When the receiving gateway committed the last of them, ms since the epoch.</summary>
    public required long AcceptedAtMs { get; init; }

    /// <summary>The receiving gateway's Ed25519 key that signed.</summary>
    public required Bytes32 GatewaySigningKey { get; init; }

    /// <summary>The receiving gateway's domain.</summary>
    public required string GatewayDomain { get; init; }

    /// <summary>How many blobs the receipt covers.</summary>
    public int AcceptedCount => Accepted.Count(a => a);

    /// <summary>BLAKE2b-256 of a manifest's bytes.</summary>
    public static Bytes32 HashManifest(ReadOnlySpan<byte> manifest)
    {
        Span<byte> hash = stackalloc byte[Bytes32.Size];
        Blake2b.Hash(manifest, hash);
        return new Bytes32(hash);
    }

    /// <summary>Encodes and signs the receipt with the receiving gateway's <paramref name="keys"/>.</summary>
    public byte[] Sign(IDomainKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (new Bytes32(keys.SigningPublicKey) != GatewaySigningKey || !string.Equals(keys.Domain, GatewayDomain, StringComparison.Ordinal))
        {
            throw new ArgumentException("The key set is not the receipt's gateway's.", nameof(keys));
        }

        var bitmap = (Accepted.Length + 7) / 8;
        var bytes = new byte[FixedSize + bitmap + 1 + GatewayDomain.Length + Ed25519.SignatureSize];
        var span = bytes.AsSpan();
        span[0] = Version;
        Session.Write(span[1..]);
        ManifestHash.CopyTo(span[17..]);
        Root.CopyTo(span[49..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[81..], (ushort)Accepted.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span[83..], (ushort)AcceptedCount);
        BinaryPrimitives.WriteInt64BigEndian(span[85..], AcceptedAtMs);
        GatewaySigningKey.CopyTo(span[93..]);
        for (var i = 0; i < Accepted.Length; i++)
        {
            if (Accepted[i])
            {
                span[FixedSize + (i / 8)] |= (byte)(0x80 >> (i % 8));
            }
        }

        var offset = FixedSize + bitmap;
        WireFields.WriteShortString(span, ref offset, GatewayDomain);
        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize];
        keys.Sign(WireFields.Signed(signed, SignatureContext, span[..offset]), span[offset..]);
        return bytes;
    }

    /// <summary>
    /// Parses a receipt and verifies its signature under the embedded key: exact layout, version 1, a bitmap whose set bits
    /// match <c>accepted_count</c> and none past <c>blob_count</c>, a valid domain. Null, never an exception, otherwise.
    /// The caller checks the key against the gateway's descriptor and the rest against its own manifest (§17.5).
    /// </summary>
    public static BulkReceipt? TryParse(ReadOnlySpan<byte> source)
    {
        if (source.Length < FixedSize + 2 + Ed25519.SignatureSize || source.Length > MaxSize || source[0] != Version)
        {
            return null;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(source[81..]);
        int acceptedCount = BinaryPrimitives.ReadUInt16BigEndian(source[83..]);
        var acceptedAt = BinaryPrimitives.ReadInt64BigEndian(source[85..]);
        var bitmap = (count + 7) / 8;
        var offset = FixedSize + bitmap;
        if (count is 0 or > BulkManifest.MaxBlobs || acceptedAt < 0 || source.Length < offset
            || !WireFields.TryReadShortString(source, ref offset, out var domain) || !DomainName.IsValid(domain)
            || source.Length - offset != Ed25519.SignatureSize)
        {
            return null;
        }

        var accepted = new bool[count];
        var set = 0;
        for (var i = 0; i < bitmap * 8; i++)
        {
            var bit = (source[FixedSize + (i / 8)] & (0x80 >> (i % 8))) != 0;
            if (bit && i >= count)
            {
                return null;
            }

            if (bit)
            {
                accepted[i] = true;
                set++;
            }
        }

        Span<byte> signed = stackalloc byte[SignatureContext.Length + MaxSize];
        if (set != acceptedCount || !Ed25519.Verify(source[93..125], WireFields.Signed(signed, SignatureContext, source[..offset]), source[offset..]))
        {
            return null;
        }

        return new BulkReceipt
        {
            Session = BulkSessionId.Read(source[1..]),
            ManifestHash = new Bytes32(source[17..]),
            Root = new Bytes32(source[49..]),
            Accepted = accepted,
            AcceptedAtMs = acceptedAt,
            GatewaySigningKey = new Bytes32(source[93..]),
            GatewayDomain = Encoding.ASCII.GetString(domain),
        };
    }
}
