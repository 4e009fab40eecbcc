using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using FASTER.core;

namespace Tern.Engine.Pending;

/// <summary>
/// Prefetches the index bucket a key hashes to. An insert probes the capability and recipient indexes at random
/// addresses (hundreds of MiB): asking for both lines before the locks and the first probe lets the two cache misses
/// overlap each other and the bookkeeping instead of stalling one after the other. A hint only: it never faults, and
/// without a located index (<see cref="IndexLocation"/>) or on a CPU without the instruction it does nothing.
/// It also tells, from the bucket alone, that a key is certainly not in the store (<see cref="CertainlyAbsent"/>).
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

    /// <summary>
    /// True when the index has no entry that could be a key with this hash: no slot of its bucket carries the hash's
    /// tag and the bucket has no overflow bucket. FASTER finds a key only through such an entry (FASTER 2.6.5: seven
    /// entries of a 48-bit address and a 14-bit tag, the eighth the overflow bucket's address), so the store then holds
    /// no record of it, in memory or on disk. False whenever unsure: no located index, a tag match (tentative entries
    /// included), an overflow bucket. The caller must hold what keeps the key itself from being written meanwhile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CertainlyAbsent(long hash)
    {
        if (_table == null)
        {
            return false;
        }

        var bucket = (long*)BucketOf(hash);
        var tag = (long)((ulong)hash >> IndexLocation.HashTagShift);
        for (var i = 0; i < IndexLocation.OverflowSlot; i++)
        {
            var entry = Volatile.Read(ref bucket[i]);
            if (entry != 0 && ((entry >> IndexLocation.EntryTagShift) & IndexLocation.TagMask) == tag)
            {
                return false;
            }
        }

        return (Volatile.Read(ref bucket[IndexLocation.OverflowSlot]) & IndexLocation.AddressMask) == 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(long hash)
    {
        if (Sse.IsSupported && _table != null)
        {
            Sse.Prefetch0(BucketOf(hash));
        }
    }
}
