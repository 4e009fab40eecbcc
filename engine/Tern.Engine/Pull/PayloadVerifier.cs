using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;

namespace Tern.Engine.Pull;

/// <summary>
/// Checks a blob chunk by chunk against the payload hash a notification gave (docs/PROTOCOL.md §4.8, §4.7). A blob of one
/// chunk (at most 256 KiB, most blobs) is checked from its bytes alone. A larger one needs the leaves of the chunks being
/// fetched, which a range proof from the door delivers and <see cref="TryAcceptProof"/> checks against the payload hash;
/// the verifier holds the leaves of one window of at most <see cref="PayloadTree.MaxProofChunks"/> chunks at a time.
/// </summary>
public sealed class PayloadVerifier
{
    private Bytes32[] _leaves = [];
    private long _first;
    private long _count;

    /// <summary>A verifier for a blob of <paramref name="size"/> bytes whose payload hash is <paramref name="payloadHash"/>.</summary>
    public PayloadVerifier(long size, Bytes32 payloadHash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Size = size;
        PayloadHash = payloadHash;
        ChunkCount = PayloadTree.ChunkCount(size);
    }

    /// <summary>The blob's size.</summary>
    public long Size { get; }

    /// <summary>The payload hash the bytes must make.</summary>
    public Bytes32 PayloadHash { get; }

    /// <summary>Chunks (leaves) of the blob.</summary>
    public long ChunkCount { get; }

    /// <summary>Whether chunks need leaves from a proof: the blob has more than one.</summary>
    public bool NeedsProofs => ChunkCount > 1;

    /// <summary>Chunks checked so far.</summary>
    public long ChunksChecked { get; private set; }

    /// <summary>Whether chunk <paramref name="index"/> can be checked now.</summary>
    public bool CanCheck(long index) => !NeedsProofs || (index >= _first && index < _first + _count);

    /// <summary>The chunks a proof should cover for bytes from <paramref name="offset"/>: from its chunk, one window.</summary>
    public (long First, long Count) ProofWindow(long offset)
    {
        var first = Math.Min(offset >> PayloadTree.ChunkShift, ChunkCount - 1);
        return (first, Math.Min(PayloadTree.MaxProofChunks, ChunkCount - first));
    }

    /// <summary>
    /// The end of the bytes that can be checked with the leaves held, for a fetch from <paramref name="offset"/>: the end
    /// of the blob for a one-chunk blob, otherwise the end of the window (0 when <paramref name="offset"/> is outside it).
    /// </summary>
    public long CheckableEnd(long offset)
    {
        if (!NeedsProofs)
        {
            return Size;
        }

        return CanCheck(offset >> PayloadTree.ChunkShift) ? Math.Min(Size, (_first + _count) << PayloadTree.ChunkShift) : 0;
    }

    /// <summary>
    /// Checks a range proof for chunks [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>)
    /// against the payload hash and, when it holds, keeps their leaves (replacing the window held before).
    /// </summary>
    public bool TryAcceptProof(long first, long count, ReadOnlySpan<byte> proof)
    {
        if (count < 1 || count > PayloadTree.MaxProofChunks)
        {
            return false;
        }

        var leaves = _leaves.Length >= count ? _leaves : new Bytes32[count];
        if (!PayloadProof.TryVerify(proof, Size, PayloadHash, first, count, leaves))
        {
            return false;
        }

        _leaves = leaves;
        _first = first;
        _count = count;
        return true;
    }

    /// <summary>Whether <paramref name="chunk"/> is chunk <paramref name="index"/> of the blob: its length and its leaf (or, alone, the payload hash).</summary>
    public bool Check(long index, ReadOnlySpan<byte> chunk)
    {
        if (index < 0 || index >= ChunkCount || chunk.Length != PayloadTree.ChunkLength(Size, index) || !CanCheck(index))
        {
            return false;
        }

        var leaf = PayloadTree.Leaf(chunk);
        var ok = NeedsProofs ? leaf == _leaves[index - _first] : PayloadTree.Root(leaf, Size) == PayloadHash;
        ChunksChecked += ok ? 1 : 0;
        return ok;
    }
}
