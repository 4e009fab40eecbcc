using System.Buffers;

namespace Tern.Engine.Protocol.Payload;

/// <summary>
/// A range proof (docs/PROTOCOL.md §4.8): what a fetcher needs to check chunks [first, first + count) of a payload
/// against its payload hash as each arrives. It lists 32-byte hashes in the order a depth-first, left-to-right walk of
/// the tree meets them: the leaf of every chunk in the range, and the node of every subtree that holds no chunk of the
/// range. Its length follows from the chunk count and the range alone.
/// </summary>
public static class PayloadProof
{
    /// <summary>Hashes in the proof of [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of a tree of <paramref name="leaves"/> leaves.</summary>
    public static long HashCount(long leaves, long first, long count)
    {
        CheckRange(leaves, first, count);
        return Count(0, leaves, first, first + count);
    }

    /// <summary>Writes the proof into <paramref name="output"/>; returns its length in bytes.</summary>
    public static int Write(PayloadTreeNodes nodes, long first, long count, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(output);
        var length = checked((int)(HashCount(nodes.Count, first, count) * Bytes32.Size));
        Write(nodes, first, count, output.GetSpan(length));
        output.Advance(length);
        return length;
    }

    /// <summary>Writes the proof into <paramref name="output"/>, which must hold <see cref="HashCount"/> × 32 bytes; returns its length.</summary>
    public static int Write(PayloadTreeNodes nodes, long first, long count, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var length = checked((int)(HashCount(nodes.Count, first, count) * Bytes32.Size));
        if (output.Length < length)
        {
            throw new ArgumentException($"The proof needs {length} bytes.", nameof(output));
        }

        var at = 0;
        Emit(nodes, 0, nodes.Count, first, first + count, output, ref at);
        return length;
    }

    /// <summary>
    /// The chunks whose proof covers bytes [<paramref name="start"/>, <paramref name="end"/>) of a payload: every chunk the
    /// range touches, from the one holding <paramref name="start"/>. An empty range touches none.
    /// </summary>
    public static (long First, long Count) ChunksOf(long start, long end)
    {
        if (end <= start)
        {
            return (start >> PayloadTree.ChunkShift, 0);
        }

        var first = start >> PayloadTree.ChunkShift;
        return (first, ((end - 1) >> PayloadTree.ChunkShift) + 1 - first);
    }

    /// <summary>
    /// Checks <paramref name="proof"/> for [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>)
    /// against <paramref name="payloadHash"/> and <paramref name="size"/>; on success <paramref name="leaves"/> holds the
    /// range's leaves, one per chunk. False for a proof of the wrong length or one that does not reach the payload hash.
    /// </summary>
    public static bool TryVerify(ReadOnlySpan<byte> proof, long size, in Bytes32 payloadHash, long first, long count, Span<Bytes32> leaves)
    {
        var total = PayloadTree.ChunkCount(size);
        if (first < 0 || count < 1 || first > total - count || leaves.Length < count
            || proof.Length != HashCount(total, first, count) * Bytes32.Size)
        {
            return false;
        }

        var at = 0;
        var top = Build(proof, 0, total, first, first + count, leaves, ref at);
        return PayloadTree.Root(top, size) == payloadHash;
    }

    private static void CheckRange(long leaves, long first, long count)
    {
        if (leaves < 1 || first < 0 || count < 1 || first > leaves - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Chunks [{first}, {first}+{count}) are not a range of a tree of {leaves} leaves.");
        }
    }

    private static long Count(long low, long high, long first, long end)
    {
        if (high <= first || low >= end || high - low == 1)
        {
            return 1;
        }

        var split = low + PayloadTree.SplitPoint(high - low);
        return Count(low, split, first, end) + Count(split, high, first, end);
    }

    private static void Emit(PayloadTreeNodes nodes, long low, long high, long first, long end, Span<byte> output, ref int at)
    {
        if (high <= first || low >= end || high - low == 1)
        {
            nodes.Node(low, high).CopyTo(output[at..]);
            at += Bytes32.Size;
            return;
        }

        var split = low + PayloadTree.SplitPoint(high - low);
        Emit(nodes, low, split, first, end, output, ref at);
        Emit(nodes, split, high, first, end, output, ref at);
    }

    private static Bytes32 Build(ReadOnlySpan<byte> proof, long low, long high, long first, long end, Span<Bytes32> leaves, ref int at)
    {
        if (high <= first || low >= end || high - low == 1)
        {
            var node = new Bytes32(proof.Slice(at, Bytes32.Size));
            at += Bytes32.Size;
            if (high - low == 1 && low >= first && low < end)
            {
                leaves[(int)(low - first)] = node;
            }

            return node;
        }

        var split = low + PayloadTree.SplitPoint(high - low);
        var left = Build(proof, low, split, first, end, leaves, ref at);
        var right = Build(proof, split, high, first, end, leaves, ref at);
        return PayloadTree.Parent(left, right);
    }
}
