using System.Buffers;
using FASTER.core;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// The payload tree of the blob of <paramref name="capability"/> (docs/PROTOCOL.md §4.8), from which the doors write
    /// range proofs; null when the capability cannot be served (as <see cref="GetBlobAsync"/>) or the blob predates the
    /// payload tree. Built from the leaves written at submission on the first call and kept on the blob's index record:
    /// 64 bytes per 256 KiB chunk.
    /// </summary>
    /// <exception cref="InvalidDataException">The stored leaves do not make the blob's payload hash.</exception>
    public async ValueTask<PayloadTreeNodes?> GetPayloadTreeAsync(FetchCapability capability, CancellationToken cancellationToken = default)
    {
        BlobEntry blob;
        lock (_index)
        {
            if (!TryFindReadableLocked(capability, out var delivery))
            {
                return null;
            }

            blob = delivery.Blob;
        }

        if (blob.LegacyHash)
        {
            return null;
        }

        if (blob.Tree is { } cached)
        {
            return cached;
        }

        Bytes32[]? leaves = blob.Leaves < 0 ? await HashOnlyLeafAsync(capability, blob, cancellationToken).ConfigureAwait(false) : await LoadLeavesAsync(blob, cancellationToken).ConfigureAwait(false);
        if (leaves is null)
        {
            return null;
        }

        var tree = new PayloadTreeNodes(leaves, blob.Size);
        if (tree.PayloadHash != blob.PayloadHash)
        {
            throw new InvalidDataException($"The stored payload-tree leaves of blob {blob.Id} do not make its payload hash.");
        }

        blob.Tree = tree;
        return tree;
    }

    // A blob of one chunk keeps no leaf list: its leaf is the BLAKE3 of its bytes, at most 256 KiB.
    private async Task<Bytes32[]?> HashOnlyLeafAsync(FetchCapability capability, BlobEntry blob, CancellationToken cancellationToken)
    {
        var size = (int)blob.Size;
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            var read = size == 0 ? 0 : await ReadAsync(capability, 0, bytes.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
            return read == size ? [PayloadTree.Leaf(bytes.AsSpan(0, size))] : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static async Task<Bytes32[]?> LoadLeavesAsync(BlobEntry blob, CancellationToken cancellationToken)
    {
        var bucket = blob.Bucket!;
        if (!bucket.TryEnterRead())
        {
            return null;
        }

        try
        {
            var log = bucket.Log!;
            if (blob.FirstChunk < log.BeginAddress)
            {
                return null;
            }

            var count = PayloadTree.ChunkCount(blob.Size);
            var perEntry = blob.ChunkSize / Bytes32.Size;
            var leaves = new Bytes32[count];
            if (count <= perEntry)
            {
                await ReadLeavesAsync(log, blob.Leaves, leaves, cancellationToken).ConfigureAwait(false);
                return leaves;
            }

            var roots = new long[(count + perEntry - 1) / perEntry];
            await ReadAddressesAsync(log, blob.Leaves, roots, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < roots.Length; i++)
            {
                var slice = leaves.AsMemory(i * perEntry, (int)Math.Min(perEntry, count - (i * (long)perEntry)));
                await ReadLeavesAsync(log, roots[i], slice, cancellationToken).ConfigureAwait(false);
            }

            return leaves;
        }
        finally
        {
            bucket.ExitRead();
        }
    }

    private static async Task ReadLeavesAsync(FasterLog log, long address, Memory<Bytes32> destination, CancellationToken cancellationToken)
    {
        var expected = destination.Length * Bytes32.Size;
        var (owner, length) = await log.ReadAsync(address, MemoryPool<byte>.Shared, expected, cancellationToken).ConfigureAwait(false);
        if (owner is null || length != expected)
        {
            owner?.Dispose();
            throw new InvalidDataException($"Payload-tree leaves at {address} are missing or have {length} bytes, expected {expected}.");
        }

        using (owner)
        {
            var bytes = owner.Memory.Span;
            var span = destination.Span;
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = new Bytes32(bytes.Slice(i * Bytes32.Size, Bytes32.Size));
            }
        }
    }

    /// <summary>
    /// Writes the payload tree's leaves (32 bytes each) as entries of up to a chunk, and when there are several, a root
    /// entry listing their addresses, as the chunk map is written. Returns the address of the entry (or root).
    /// </summary>
    private async Task<long> WriteLeavesAsync(FasterLog log, Bytes32[] leaves, byte[] buffer, CancellationToken cancellationToken)
    {
        var perEntry = _options.ChunkSize / Bytes32.Size;
        if (leaves.Length <= perEntry)
        {
            return await log.EnqueueAsync(EncodeLeaves(leaves, buffer), cancellationToken).ConfigureAwait(false);
        }

        var entries = (leaves.Length + perEntry - 1) / perEntry;
        if (entries > _options.ChunkSize / sizeof(long))
        {
            throw new ArgumentException($"The blob has {leaves.Length} payload-tree leaves, more than ChunkSize ({_options.ChunkSize}) allows.");
        }

        var roots = new long[entries];
        for (var i = 0; i < entries; i++)
        {
            var slice = leaves.AsSpan(i * perEntry, Math.Min(perEntry, leaves.Length - (i * perEntry)));
            roots[i] = await log.EnqueueAsync(EncodeLeaves(slice, buffer), cancellationToken).ConfigureAwait(false);
        }

        return await log.EnqueueAsync(EncodeAddresses(roots, buffer), cancellationToken).ConfigureAwait(false);
    }

    private static ReadOnlyMemory<byte> EncodeLeaves(ReadOnlySpan<Bytes32> leaves, byte[] buffer)
    {
        for (var i = 0; i < leaves.Length; i++)
        {
            leaves[i].CopyTo(buffer.AsSpan(i * Bytes32.Size));
        }

        return buffer.AsMemory(0, leaves.Length * Bytes32.Size);
    }
}
