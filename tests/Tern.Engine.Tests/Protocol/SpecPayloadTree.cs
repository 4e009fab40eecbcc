using System.Buffers.Binary;
using Blake3;

namespace Tern.Engine.Tests.Protocol;

/// <summary>
/// The payload hash of docs/PROTOCOL.md §4.8 written again from the text alone, as recursion over the whole payload and
/// straight on the BLAKE3 package, so the engine's streaming builder, level table and proofs are checked against an
/// independent reading of the spec rather than against themselves.
/// </summary>
internal static class SpecPayloadTree
{
    public const int Chunk = 262_144;

    public static byte[] Leaf(ReadOnlySpan<byte> chunk) => Hasher.Hash(chunk).AsSpan().ToArray();

    public static byte[] Parent(byte[] left, byte[] right)
    {
        using var hasher = Hasher.NewDeriveKey("tern/v1/payload-parent");
        hasher.Update(left);
        hasher.Update(right);
        return hasher.Finalize().AsSpan().ToArray();
    }

    public static byte[] Root(byte[] top, long size)
    {
        var sizeBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(sizeBytes, (ulong)size);
        using var hasher = Hasher.NewDeriveKey("tern/v1/payload-root");
        hasher.Update(top);
        hasher.Update(sizeBytes);
        return hasher.Finalize().AsSpan().ToArray();
    }

    /// <summary>n = max(1, ⌈size / 256 KiB⌉).</summary>
    public static int Chunks(long size) => size == 0 ? 1 : (int)((size + Chunk - 1) / Chunk);

    /// <summary>MTH over chunks [low, high): a leaf for one chunk; otherwise split at the largest power of two below the count.</summary>
    public static byte[] Node(ReadOnlySpan<byte> payload, int low, int high)
    {
        if (high - low == 1)
        {
            var start = low * Chunk;
            return Leaf(payload.Slice(start, Math.Min(Chunk, payload.Length - start)));
        }

        var k = 1;
        while (k * 2 < high - low)
        {
            k *= 2;
        }

        return Parent(Node(payload, low, low + k), Node(payload, low + k, high));
    }

    public static byte[] PayloadHash(ReadOnlySpan<byte> payload) => Root(Node(payload, 0, Chunks(payload.Length)), payload.Length);

    /// <summary>The proof of chunks [first, end): a depth-first, left-to-right walk emitting in-range leaves and out-of-range subtrees whole.</summary>
    public static byte[] Proof(ReadOnlySpan<byte> payload, int first, int end)
    {
        var output = new List<byte>();
        Walk(payload, 0, Chunks(payload.Length), first, end, output);
        return [.. output];
    }

    private static void Walk(ReadOnlySpan<byte> payload, int low, int high, int first, int end, List<byte> output)
    {
        if (high <= first || low >= end || high - low == 1)
        {
            output.AddRange(Node(payload, low, high));
            return;
        }

        var k = 1;
        while (k * 2 < high - low)
        {
            k *= 2;
        }

        Walk(payload, low, low + k, first, end, output);
        Walk(payload, low + k, high, first, end, output);
    }
}
