using System.Collections.Concurrent;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Transports.Fetch.Caching;

/// <summary>
/// Reads blob bytes for the doors: small blobs from a bounded in-memory cache (one store read fills it), everything
/// else straight from the transit store. A store read costs a FasterLog record read (tens of microseconds for a 1 KiB
/// blob, measured), several times the rest of an HTTP request, and small blobs are the ones fetched at high rates.
/// Blobs are immutable, so a cached copy never goes stale; the doors still look every capability up in the store first
/// (<see cref="TransitStore.GetBlobAsync"/>), so a retracted, expired or reclaimed blob is never served from the cache.
/// Keyed by message id: the deliveries of one blob share it. When the byte budget is spent the cache is cleared and
/// refills with what is hot.
/// </summary>
internal sealed class BlobReader
{
    private readonly TransitStore _store;
    private readonly int _maxBlobSize;
    private readonly long _budget;
    private readonly ConcurrentDictionary<MessageId, byte[]> _cache = new();
    private long _cachedBytes;

    public BlobReader(TransitStore store, int maxBlobSize, long budget)
    {
        _store = store;
        _maxBlobSize = maxBlobSize;
        _budget = budget;
    }

    /// <summary>
    /// Copies bytes of <paramref name="blob"/> from <paramref name="offset"/> into <paramref name="destination"/>: the
    /// count copied, 0 at the end, or <see cref="TransitStore.NotFound"/> when the store no longer has it.
    /// </summary>
    public async ValueTask<int> ReadAsync(FetchCapability capability, BlobInfo blob, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (blob.Size > _maxBlobSize || _budget == 0)
        {
            return await _store.ReadAsync(capability, offset, destination, cancellationToken).ConfigureAwait(false);
        }

        if (!_cache.TryGetValue(blob.MessageId, out var bytes))
        {
            bytes = new byte[blob.Size];
            var read = blob.Size == 0 ? 0 : await _store.ReadAsync(capability, 0, bytes, cancellationToken).ConfigureAwait(false);
            if (read != blob.Size)
            {
                return read < 0 ? read : await _store.ReadAsync(capability, offset, destination, cancellationToken).ConfigureAwait(false);
            }

            if (Interlocked.Add(ref _cachedBytes, bytes.Length) > _budget)
            {
                _cache.Clear();
                Interlocked.Exchange(ref _cachedBytes, bytes.Length);
            }

            _cache[blob.MessageId] = bytes;
        }

        if (offset >= bytes.Length)
        {
            return 0;
        }

        var count = (int)Math.Min(destination.Length, bytes.Length - offset);
        bytes.AsSpan((int)offset, count).CopyTo(destination.Span);
        return count;
    }
}
