using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// Recently used recipient states, so that an insert or a removal skips the FASTER read of its hash's state (one of an
/// insert's five store operations). Write-through: the recipient store stays the truth and is written as before; every
/// write and delete of a state also goes through here, under the hash's recipient lock, so an entry is never stale.
/// Partitioned by lock stripe (<see cref="PendingTable"/>): two hashes that share an entry share a lock, so the holder
/// of the lock owns the entry. Direct-mapped within a stripe; an entry holds the whole hash, never just its hash code.
/// Volatile: it starts empty when the table opens.
/// </summary>
internal sealed unsafe class RecipientStateCache
{
    private const int EntrySize = 64;

    private readonly Entry[] _entries;
    private readonly int _entriesPerStripe;
    private readonly int _slotMask;

    /// <param name="entries">Entries in all (a power of two, at least <paramref name="stripes"/>).</param>
    /// <param name="stripes">The table's recipient lock stripes (a power of two).</param>
    public RecipientStateCache(int entries, int stripes)
    {
        if (!BitOperations.IsPow2(entries) || !BitOperations.IsPow2(stripes) || entries < stripes)
        {
            throw new ArgumentOutOfRangeException(nameof(entries), entries, "A power of two, at least one entry per lock stripe.");
        }

        _entries = GC.AllocateArray<Entry>(entries, pinned: true);
        _entriesPerStripe = entries / stripes;
        _slotMask = _entriesPerStripe - 1;
    }

    /// <summary>The state of <paramref name="hash"/> if it is cached; the caller holds the lock of <paramref name="stripe"/>.</summary>
    public bool TryGet(int stripe, long hashCode, ref Bytes32 hash, out RecipientState state)
    {
        ref var entry = ref EntryRef(stripe, hashCode);
        if (entry.Valid && entry.Hash.Equals(hash))
        {
            state = entry.State;
            return true;
        }

        state = default;
        return false;
    }

    /// <summary>Records the state just written to the store (or read from it); the caller holds the lock of <paramref name="stripe"/>.</summary>
    public void Set(int stripe, long hashCode, ref Bytes32 hash, in RecipientState state)
    {
        ref var entry = ref EntryRef(stripe, hashCode);
        entry.Hash = hash;
        entry.State = state;
        entry.Valid = true;
    }

    /// <summary>Forgets the state of <paramref name="hash"/>, deleted from the store; the caller holds the lock of <paramref name="stripe"/>.</summary>
    public void Forget(int stripe, long hashCode, ref Bytes32 hash)
    {
        ref var entry = ref EntryRef(stripe, hashCode);
        if (entry.Valid && entry.Hash.Equals(hash))
        {
            entry.Valid = false;
        }
    }

    /// <summary>Where the entry of a hash is, for a prefetch (the table is pinned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* EntryOf(int stripe, long hashCode) => (byte*)Unsafe.AsPointer(ref EntryRef(stripe, hashCode));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Entry EntryRef(int stripe, long hashCode) => ref _entries[(stripe * _entriesPerStripe) + ((int)hashCode & _slotMask)];

    [StructLayout(LayoutKind.Sequential, Size = EntrySize)]
    private struct Entry
    {
        public Bytes32 Hash;
        public RecipientState State;
        public bool Valid;
    }
}
