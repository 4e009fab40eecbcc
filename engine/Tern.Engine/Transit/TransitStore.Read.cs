using System.Buffers;
using System.Buffers.Binary;
using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// What the fetcher of <paramref name="capability"/> may know about its blob, or null when the capability is unknown,
    /// expired, retracted or its bytes are reclaimed — indistinguishably (docs/PROTOCOL.md §8).
    /// </summary>
    public ValueTask<BlobInfo?> GetBlobAsync(FetchCapability capability)
    {
        lock (_index)
        {
            if (!TryFindReadableLocked(capability, out var delivery))
            {
                return ValueTask.FromResult<BlobInfo?>(null);
            }

            var blob = delivery.Blob;
            return ValueTask.FromResult<BlobInfo?>(new BlobInfo(blob.Id, blob.Size, blob.PayloadHash, DateTimeOffset.FromUnixTimeMilliseconds(blob.ExpiryMs), blob.MimeHint, delivery.State));
        }
    }

    /// <summary>
    /// Copies blob bytes from <paramref name="offset"/> into <paramref name="destination"/> (any offset and length, for
    /// HTTP Range and resumed fetches). Returns the bytes copied — fewer than asked only at the end of the blob, 0 at or
    /// past it — or <see cref="NotFound"/> for a capability that is unknown, expired or retracted.
    /// Counting a delivery as fetched is the caller's decision (<see cref="MarkFetchedAsync"/>, docs/PROTOCOL.md §9).
    /// </summary>
    public async ValueTask<int> ReadAsync(FetchCapability capability, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        BlobEntry blob;
        byte[]? inline;
        lock (_index)
        {
            if (!TryFindReadableLocked(capability, out var delivery))
            {
                return NotFound;
            }

            blob = delivery.Blob;
            inline = blob.Inline;
        }

        if (offset >= blob.Size || destination.IsEmpty)
        {
            return 0;
        }

        if (inline is not null)
        {
            // Not settled yet: the bytes are in memory (settling only drops the array, never changes it).
            var n = (int)Math.Min(destination.Length, blob.Size - offset);
            inline.AsSpan((int)offset, n).CopyTo(destination.Span);
            return n;
        }

        var bucket = blob.Bucket!;
        if (!bucket.TryEnterRead())
        {
            return NotFound;
        }

        try
        {
            var log = bucket.Log!;
            var total = 0;
            while (total < destination.Length && offset < blob.Size)
            {
                var index = offset / blob.ChunkSize;
                var within = (int)(offset % blob.ChunkSize);
                var address = blob.ChunkCount == 1 ? blob.FirstChunk : await ChunkAddressAsync(blob, log, index, cancellationToken).ConfigureAwait(false);
                if (address < log.BeginAddress)
                {
                    return total > 0 ? total : NotFound;
                }

                // Committed chunks come straight from the segment files (page cache, one copy); FasterLog otherwise.
                var chunkLength = (int)Math.Min(blob.ChunkSize, blob.Size - (index * blob.ChunkSize));
                var want = Math.Min(chunkLength - within, destination.Length - total);
                if (await bucket.Segments.TryReadAsync(log, address, chunkLength, within, destination.Slice(total, want), cancellationToken).ConfigureAwait(false))
                {
                    total += want;
                    offset += want;
                    continue;
                }

                var (owner, length) = await log.ReadAsync(address, MemoryPool<byte>.Shared, blob.ChunkSize, cancellationToken).ConfigureAwait(false);
                if (owner is null)
                {
                    return total > 0 ? total : NotFound;
                }

                using (owner)
                {
                    var n = Math.Min(length - within, destination.Length - total);
                    owner.Memory.Span.Slice(within, n).CopyTo(destination.Span[total..]);
                    total += n;
                    offset += n;
                }
            }

            return total;
        }
        finally
        {
            bucket.ExitRead();
        }
    }

    private bool TryFindReadableLocked(FetchCapability capability, out DeliveryEntry delivery)
    {
        if ((!_deliveries.TryGetValue(capability, out delivery!) || !delivery.Readable) && !TryFindTransferLocked(capability, out delivery))
        {
            return false;
        }

        var blob = delivery.Blob;
        if (blob.ExpiryMs <= NowMs)
        {
            return false;
        }

        if (blob.Inline is not null)
        {
            return true;
        }

        if (blob.Bucket is not { Log: { } log })
        {
            return false;
        }

        // A fetched blob serves until its expiry only while its bytes remain: head truncation may reclaim them (§3.3); an
        // inline blob that died before it was settled (-1) has none left.
        return blob.Size == 0 || (blob.FirstChunk >= 0 && blob.FirstChunk >= log.BeginAddress);
    }

    private static async ValueTask<long> ChunkAddressAsync(BlobEntry blob, FasterLog log, long index, CancellationToken cancellationToken)
    {
        var addresses = blob.ChunkAddresses ??= await LoadChunkMapAsync(blob, log, cancellationToken).ConfigureAwait(false);
        return addresses[index];
    }

    private static async Task<long[]> LoadChunkMapAsync(BlobEntry blob, FasterLog log, CancellationToken cancellationToken)
    {
        var count = blob.ChunkCount;
        var perEntry = blob.ChunkSize / sizeof(long);
        var addresses = new long[count];
        if (count <= perEntry)
        {
            await ReadAddressesAsync(log, blob.ChunkMap, addresses, cancellationToken).ConfigureAwait(false);
            return addresses;
        }

        var roots = new long[(count + perEntry - 1) / perEntry];
        await ReadAddressesAsync(log, blob.ChunkMap, roots, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < roots.Length; i++)
        {
            var slice = addresses.AsMemory(i * perEntry, (int)Math.Min(perEntry, count - (i * (long)perEntry)));
            await ReadAddressesAsync(log, roots[i], slice, cancellationToken).ConfigureAwait(false);
        }

        return addresses;
    }

    private static async Task ReadAddressesAsync(FasterLog log, long address, Memory<long> destination, CancellationToken cancellationToken)
    {
        var (owner, length) = await log.ReadAsync(address, MemoryPool<byte>.Shared, destination.Length * sizeof(long), cancellationToken).ConfigureAwait(false);
        if (owner is null || length != destination.Length * sizeof(long))
        {
            owner?.Dispose();
            throw new InvalidDataException($"Chunk map at {address} is missing or has {length} bytes, expected {destination.Length * sizeof(long)}.");
        }

        using (owner)
        {
            var span = destination.Span;
            var bytes = owner.Memory.Span;
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = BinaryPrimitives.ReadInt64BigEndian(bytes[(i * sizeof(long))..]);
            }
        }
    }
}
