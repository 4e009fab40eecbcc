using System.Buffers.Binary;
using System.Numerics;
using Blake3;

namespace Tern.Engine.Protocol.Payload;

/// <summary>
/// The v1 payload hash (docs/PROTOCOL.md §4.8): a binary Merkle tree over 256 KiB chunks. A leaf is the plain BLAKE3 of
/// its chunk, a parent BLAKE3 in derive_key mode over its children, and the payload hash the root: BLAKE3 in another
/// derive_key context over the top node and the payload size. The three BLAKE3 modes keep leaves, parents and roots
/// apart, and the size in the root fixes the tree's shape, so no node can stand for another kind or a blob of another
/// size.
/// </summary>
public static class PayloadTree
{
    /// <summary>Bytes per chunk (leaf), the last chunk may be shorter: 256 KiB.</summary>
    public const int ChunkSize = 1 << ChunkShift;

    /// <summary>log2 of <see cref="ChunkSize"/>.</summary>
    public const int ChunkShift = 18;

    /// <summary>Most chunks one proof covers (§4.8: 16 GiB of payload, a 2 MiB proof).</summary>
    public const int MaxProofChunks = 65536;

    /// <summary>derive_key context of a parent node.</summary>
    public const string ParentContext = "tern/v1/payload-parent";

    /// <summary>derive_key context of the root (the payload hash).</summary>
    public const string RootContext = "tern/v1/payload-root";

    // Hashers in derive_key mode keep their derived context key across Reset, so each thread derives it once.
    [ThreadStatic]
    private static Hasher? s_parent;

    [ThreadStatic]
    private static Hasher? s_root;

    /// <summary>Number of leaves of a payload of <paramref name="size"/> bytes: at least one (the empty payload has one empty chunk).</summary>
    public static long ChunkCount(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return size <= ChunkSize ? 1 : ((size - 1) >> ChunkShift) + 1;
    }

    /// <summary>Length of chunk <paramref name="index"/> of a payload of <paramref name="size"/> bytes.</summary>
    public static int ChunkLength(long size, long index) => (int)Math.Min(ChunkSize, size - (index << ChunkShift));

    /// <summary>Leaves in the left subtree of a node over <paramref name="count"/> ≥ 2 leaves: the largest power of two below it.</summary>
    public static long SplitPoint(long count) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(count - 1)));

    /// <summary>leaf = BLAKE3(chunk) (§4.8).</summary>
    public static void Leaf(ReadOnlySpan<byte> chunk, Span<byte> leaf) => Hasher.Hash(chunk, leaf[..Bytes32.Size]);

    /// <summary>leaf = BLAKE3(chunk) (§4.8).</summary>
    public static Bytes32 Leaf(ReadOnlySpan<byte> chunk)
    {
        Span<byte> leaf = stackalloc byte[Bytes32.Size];
        Leaf(chunk, leaf);
        return new Bytes32(leaf);
    }

    /// <summary>parent = BLAKE3-derive-key("tern/v1/payload-parent", left ‖ right) (§4.8).</summary>
    public static void Parent(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> parent)
    {
        var hasher = s_parent ??= Hasher.NewDeriveKey(ParentContext);
        hasher.Reset();
        hasher.Update(left[..Bytes32.Size]);
        hasher.Update(right[..Bytes32.Size]);
        hasher.Finalize(parent[..Bytes32.Size]);
    }

    /// <summary>parent = BLAKE3-derive-key("tern/v1/payload-parent", left ‖ right) (§4.8).</summary>
    public static Bytes32 Parent(in Bytes32 left, in Bytes32 right)
    {
        Span<byte> nodes = stackalloc byte[2 * Bytes32.Size];
        left.CopyTo(nodes);
        right.CopyTo(nodes[Bytes32.Size..]);
        Parent(nodes, nodes[Bytes32.Size..], nodes);
        return new Bytes32(nodes);
    }

    /// <summary>payload hash = BLAKE3-derive-key("tern/v1/payload-root", top ‖ u64 size) (§4.8).</summary>
    public static Bytes32 Root(in Bytes32 top, long size)
    {
        Span<byte> input = stackalloc byte[Bytes32.Size + sizeof(ulong)];
        top.CopyTo(input);
        BinaryPrimitives.WriteUInt64BigEndian(input[Bytes32.Size..], (ulong)size);
        var hasher = s_root ??= Hasher.NewDeriveKey(RootContext);
        hasher.Reset();
        hasher.Update(input);
        hasher.Finalize(input[..Bytes32.Size]);
        return new Bytes32(input);
    }

    /// <summary>The payload hash of a payload held whole in memory.</summary>
    public static Bytes32 Hash(ReadOnlySpan<byte> payload)
    {
        var builder = new PayloadTreeBuilder();
        var offset = 0;
        do
        {
            var length = Math.Min(ChunkSize, payload.Length - offset);
            builder.AddLeaf(Leaf(payload.Slice(offset, length)));
            offset += length;
        }
        while (offset < payload.Length);

        return builder.Root(payload.Length);
    }
}
