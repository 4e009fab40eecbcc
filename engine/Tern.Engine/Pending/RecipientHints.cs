using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tern.Engine.Pending;

/// <summary>
/// For recently filed recipient hashes: the sequence the next reference will get and where the hash's state
/// record sits in log memory. With them an insert's two dependent misses (the state record, found through the
/// index, and the reference's bucket, known only once the state gives the sequence) can be prefetched for a whole
/// batch before the first insert (<see cref="PendingTable.Prefetch"/>). A direct-mapped table of guesses: entries
/// race and get overwritten, and a wrong or missing guess costs only a useless prefetch. Never a source of truth,
/// and its pointers are only ever prefetched, never read.
/// </summary>
internal sealed unsafe class RecipientHints
{
    private const int EntrySize = 32;

    private readonly Entry[] _entries;
    private readonly int _mask;

    public RecipientHints(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)slots);
        _entries = GC.AllocateArray<Entry>(size, pinned: true);
        _mask = size - 1;
    }

    /// <summary>Where the entry of <paramref name="hashCode"/> is, for a prefetch (the table is pinned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* EntryOf(long hashCode) => (byte*)Unsafe.AsPointer(ref _entries[(int)hashCode & _mask]);

    /// <summary>
    /// The guessed sequence of the next reference of the hash with <paramref name="hashCode"/>, and where its state
    /// was last written. Each guess moves the entry on by one, for the next record of the same hash in a batch.
    /// </summary>
    public bool TryTake(long hashCode, out ulong sequence, out byte* state)
    {
        ref var entry = ref _entries[(int)hashCode & _mask];
        if (entry.HashCode != hashCode)
        {
            sequence = 0;
            state = null;
            return false;
        }

        sequence = entry.NextSequence++;
        state = entry.State;
        return true;
    }

    /// <summary>Records that the hash with <paramref name="hashCode"/> hands out <paramref name="next"/> next and that its state was written at <paramref name="state"/>.</summary>
    public void Record(long hashCode, ulong next, byte* state)
    {
        ref var entry = ref _entries[(int)hashCode & _mask];
        entry.HashCode = hashCode;
        entry.NextSequence = next;
        entry.State = state;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = EntrySize)]
    private struct Entry
    {
        public long HashCode;
        public ulong NextSequence;
        public byte* State;
    }
}
