namespace Tern.Engine.Protocol.Payload;

/// <summary>
/// Folds leaves, in order, into the payload hash without keeping them (docs/PROTOCOL.md §4.8): a stack of complete
/// subtrees, one per set bit of the leaf count so far (at most 64), merged as soon as two of one size meet. At the end
/// the stack is folded from the right, which gives the tree's left-balanced shape.
/// </summary>
public sealed class PayloadTreeBuilder
{
    private readonly Bytes32[] _stack = new Bytes32[64];
    private int _depth;

    /// <summary>Leaves added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds the next leaf.</summary>
    public void AddLeaf(in Bytes32 leaf)
    {
        var node = leaf;

        // Each trailing one bit of the old count is a complete subtree of that size waiting for its right sibling.
        for (var bits = Count; (bits & 1) != 0; bits >>= 1)
        {
            node = PayloadTree.Parent(_stack[--_depth], node);
        }

        _stack[_depth++] = node;
        Count++;
    }

    /// <summary>The top node over every leaf added (at least one).</summary>
    public Bytes32 Top()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("A payload tree has at least one leaf.");
        }

        var node = _stack[_depth - 1];
        for (var i = _depth - 2; i >= 0; i--)
        {
            node = PayloadTree.Parent(_stack[i], node);
        }

        return node;
    }

    /// <summary>The payload hash: <see cref="PayloadTree.Root"/> of <see cref="Top"/> and <paramref name="size"/>.</summary>
    public Bytes32 Root(long size)
    {
        if (PayloadTree.ChunkCount(size) != Count)
        {
            throw new InvalidOperationException($"{Count} leaves do not make a payload of {size} bytes.");
        }

        return PayloadTree.Root(Top(), size);
    }

    /// <summary>Starts again with no leaf.</summary>
    public void Reset()
    {
        _depth = 0;
        Count = 0;
    }
}
