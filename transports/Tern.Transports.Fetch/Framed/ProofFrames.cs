using System.Buffers;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Transit;

namespace Tern.Transports.Fetch.Framed;

/// <summary>
/// The <c>proof</c> frames of a fetch that set the <c>proof</c> flag (docs/PROTOCOL.md §8.3, §4.8), for the framed and
/// QUIC doors: the range proof of every chunk the fetched range touches, built from the blob's payload tree into a pooled
/// buffer and written after the meta in frames of at most 64 KiB, before any data.
/// </summary>
internal static class ProofFrames
{
    /// <summary>
    /// Builds the proof of [<paramref name="start"/>, <paramref name="end"/>): ok with a rented buffer (null for an empty
    /// range), not_found when the blob cannot be proven (gone, or from before the payload tree), range_not_satisfiable when
    /// the range touches more than <see cref="PayloadTree.MaxProofChunks"/> chunks.
    /// </summary>
    public static async ValueTask<(MetaStatus Status, byte[]? Proof, int Length)> BuildAsync(TransitStore store, FetchCapability capability, long start, long end, CancellationToken cancellationToken)
    {
        var (first, count) = PayloadProof.ChunksOf(start, end);
        if (count == 0)
        {
            return (MetaStatus.Ok, null, 0);
        }

        if (count > PayloadTree.MaxProofChunks)
        {
            return (MetaStatus.RangeNotSatisfiable, null, 0);
        }

        if (await store.GetPayloadTreeAsync(capability, cancellationToken).ConfigureAwait(false) is not { } tree)
        {
            return (MetaStatus.NotFound, null, 0);
        }

        var length = (int)(PayloadProof.HashCount(tree.Count, first, count) * Bytes32.Size);
        var proof = ArrayPool<byte>.Shared.Rent(length);
        PayloadProof.Write(tree, first, count, proof);
        return (MetaStatus.Ok, proof, length);
    }

    /// <summary>Writes the next <c>proof</c> frame from <paramref name="next"/>; <paramref name="endStream"/> marks the last one (a head fetch).</summary>
    public static int WriteNext(IBufferWriter<byte> output, uint streamId, ReadOnlySpan<byte> proof, ref int next, bool endStream)
    {
        var count = Math.Min(FrameLimits.MaxProofPayloadSize, proof.Length - next);
        var last = next + count == proof.Length;
        var span = output.GetSpan(FrameHeader.Size + count);
        new FrameHeader((uint)count, streamId, FrameType.Proof, last && endStream ? FrameFlags.EndStream : FrameFlags.None).Write(span);
        proof.Slice(next, count).CopyTo(span[FrameHeader.Size..]);
        output.Advance(FrameHeader.Size + count);
        next += count;
        return FrameHeader.Size + count;
    }
}
