using System.Buffers.Binary;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;

namespace Tern.Engine.Bulk;

/// <summary>
/// The Merkle tree a session receipt signs (docs/PROTOCOL.md §17.5): one leaf per accepted blob, in manifest order,
/// paired left to right, an odd node promoted as it is; the root of no leaf is 32 zero bytes. A blob's inclusion can
/// later be shown with its path alone, without the other blobs' fields.
/// </summary>
public static class BulkMerkle
{
    private static ReadOnlySpan<byte> LeafKey => "tern/v1/bulk-leaf"u8;

    private static ReadOnlySpan<byte> NodeKey => "tern/v1/bulk-node"u8;

    /// <summary>
    /// H(key = "tern/v1/bulk-leaf", message_id ‖ payload_hash ‖ u64 payload_size ‖ u64 honoured_expiry ‖ recipient_domain
    /// as a short string).
    /// </summary>
    public static Bytes32 Leaf(BulkManifestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Span<byte> input = stackalloc byte[80 + 1 + DomainName.MaxLength];
        entry.MessageId.CopyTo(input);
        entry.PayloadHash.CopyTo(input[32..]);
        BinaryPrimitives.WriteInt64BigEndian(input[64..], entry.PayloadSize);
        BinaryPrimitives.WriteInt64BigEndian(input[72..], entry.ExpiryMs);
        var offset = 80;
        WireFields.WriteShortString(input, ref offset, entry.RecipientDomain);
        Span<byte> hash = stackalloc byte[Bytes32.Size];
        Blake2b.Hash(input[..offset], hash, LeafKey);
        return new Bytes32(hash);
    }

    /// <summary>The root over the entries of <paramref name="manifest"/> marked in <paramref name="accepted"/>.</summary>
    public static Bytes32 Root(BulkManifest manifest, ReadOnlySpan<bool> accepted)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var level = new List<Bytes32>(manifest.Entries.Count);
        for (var i = 0; i < manifest.Entries.Count; i++)
        {
            if (accepted[i])
            {
                level.Add(Leaf(manifest.Entries[i]));
            }
        }

        if (level.Count == 0)
        {
            return default;
        }

        Span<byte> pair = stackalloc byte[2 * Bytes32.Size];
        Span<byte> parent = stackalloc byte[Bytes32.Size];
        while (level.Count > 1)
        {
            var next = new List<Bytes32>((level.Count + 1) / 2);
            for (var i = 0; i < level.Count; i += 2)
            {
                if (i + 1 == level.Count)
                {
                    next.Add(level[i]);
                    continue;
                }

                level[i].CopyTo(pair);
                level[i + 1].CopyTo(pair[Bytes32.Size..]);
                Blake2b.Hash(pair, parent, NodeKey);
                next.Add(new Bytes32(parent));
            }

            level = next;
        }

        return level[0];
    }
}
