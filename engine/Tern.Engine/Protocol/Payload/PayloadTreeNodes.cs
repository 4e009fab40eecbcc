using System.Numerics;

namespace Tern.Engine.Protocol.Payload;

/// <summary>
/// Every node of one payload's tree, level by level (docs/PROTOCOL.md §4.8), built once from its leaves so that a proof
/// for any range costs its own length. Level 0 holds the leaves; each level above pairs the one below, carrying an
/// unpaired last node up unchanged — the same left-balanced tree as the recursive definition. 64 bytes per chunk.
/// </summary>
public sealed class PayloadTreeNodes
{
    private readonly Bytes32[][] _levels;

    /// <summary>Builds the levels over <paramref name="leaves"/> (at least one) of a payload of <paramref name="size"/> bytes.</summary>
    public PayloadTreeNodes(Bytes32[] leaves, long size)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Length == 0 || PayloadTree.ChunkCount(size) != leaves.Length)
        {
            throw new ArgumentException($"{leaves.Length} leaves do not make a payload of {size} bytes.", nameof(leaves));
        }

        Size = size;
        var levels = new List<Bytes32[]> { leaves };
        var below = leaves;
        while (below.Length > 1)
        {
            var level = new Bytes32[(below.Length + 1) / 2];
            for (var i = 0; i < level.Length; i++)
            {
                level[i] = 2 * i + 1 < below.Length ? PayloadTree.Parent(below[2 * i], below[(2 * i) + 1]) : below[2 * i];
            }

            levels.Add(level);
            below = level;
        }

        _levels = [.. levels];
        PayloadHash = PayloadTree.Root(below[0], size);
    }

    /// <summary>The payload's size in bytes.</summary>
    public long Size { get; }

    /// <summary>Number of leaves.</summary>
    public long Count => _levels[0].Length;

    /// <summary>The root: the payload hash these leaves make.</summary>
    public Bytes32 PayloadHash { get; }

    /// <summary>Leaf <paramref name="index"/>.</summary>
    public Bytes32 Leaf(long index) => _levels[0][index];

    /// <summary>
    /// The node over leaves [<paramref name="low"/>, <paramref name="high"/>), which must be a subtree of the tree: it sits
    /// on level ⌈log2(high − low)⌉ at index low &gt;&gt; level.
    /// </summary>
    public Bytes32 Node(long low, long high)
    {
        var level = high - low == 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(high - low - 1));
        return _levels[level][low >> level];
    }
}
