using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using FASTER.core;

namespace Tern.Engine.Pending;

/// <summary>
/// Prefetches the index bucket a key hashes to. An insert probes the capability and recipient indexes at random
/// addresses (hundreds of MiB): asking for both lines before the locks and the first probe lets the two cache misses
/// overlap each other and the bookkeeping instead of stalling one after the other. A hint only: it never faults, and
/// without a located index (<see cref="IndexLocation"/>) or on a CPU without the instruction it does nothing.
/// </summary>
internal readonly unsafe struct IndexPrefetcher
{
    private readonly byte* _table;
    private readonly long _mask;

    private IndexPrefetcher(byte* table, long buckets)
    {
        _table = table;
        _mask = buckets - 1;
    }

    public static IndexPrefetcher For<TKey, TValue>(FasterKV<TKey, TValue> store)
        => IndexLocation.TryFind(store, out var table, out var buckets) ? new IndexPrefetcher(table, buckets) : default;

    /// <summary>Where the bucket of <paramref name="hash"/> is; null without a located index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* BucketOf(long hash) => _table == null ? null : _table + ((hash & _mask) * IndexLocation.BucketSize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(long hash)
    {
        if (Sse.IsSupported && _table != null)
        {
            Sse.Prefetch0(BucketOf(hash));
        }
    }
}
