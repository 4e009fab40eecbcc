using Tern.Engine.Transit;

namespace Tern.Engine.Notify;

/// <summary>
/// The deliveries a round has already queued, so that a second wheel entry of one delivery due in the same round sends
/// nothing. Open addressing keyed by the capability's hash and compared by reference: the capability sits in the index
/// record the round has just read, where a reference hash set would fetch the object header's hash code and walk a
/// bucket and an entry array per record. Cleared slot by slot, so a round costs its own records
/// and emptied at the next round's start. One owner (the scheduler's loop).
/// </summary>
internal sealed class RoutedDeliveries
{
    private DeliveryEntry?[] _slots = new DeliveryEntry?[1024];
    private int[] _used = new int[512];
    private int _count;

    /// <summary>Adds <paramref name="entry"/>; false when the round already holds it.</summary>
    public bool Add(DeliveryEntry entry)
    {
        if (_count >= _slots.Length / 2)
        {
            Grow();
        }

        var mask = _slots.Length - 1;
        var slot = entry.Capability.GetHashCode() & mask;
        while (_slots[slot] is { } held)
        {
            if (ReferenceEquals(held, entry))
            {
                return false;
            }

            slot = (slot + 1) & mask;
        }

        _slots[slot] = entry;
        _used[_count++] = slot;
        return true;
    }

    /// <summary>Empties the set: only the slots this round used are written.</summary>
    public void Clear()
    {
        var slots = _slots;
        foreach (var slot in _used.AsSpan(0, _count))
        {
            slots[slot] = null;
        }

        _count = 0;
    }

    // Half full at most, so probes stay short; a round's budget sets the size reached, once.
    private void Grow()
    {
        var held = new DeliveryEntry[_count];
        for (var i = 0; i < _count; i++)
        {
            held[i] = _slots[_used[i]]!;
        }

        _slots = new DeliveryEntry?[_slots.Length * 2];
        _used = new int[_slots.Length / 2];
        _count = 0;
        foreach (var entry in held)
        {
            Add(entry);
        }
    }
}
