namespace Tern.Engine.Notify;

/// <summary>
/// A hashed timing wheel of <typeparamref name="T"/> keyed by due time in ms: O(1) schedule, and advancing
/// walks only the slots whose time has come. Entries live in one growable array linked by index, so
/// scheduling allocates only when the wheel grows. Entries due beyond the horizon wait in their slot for
/// another turn (each slot remembers due times). Cancellation is lazy: the caller checks an entry's state
/// when it comes due. Not thread-safe: one owner.
/// </summary>
public sealed class TimingWheel<T>
{
    private readonly int[] _heads;
    private readonly int _mask;
    private readonly long _resolutionMs;
    private Entry[] _entries;
    private int _free = -1;
    private int _used;
    private long _cursorTick;

    /// <summary>Creates a wheel of <paramref name="slots"/> (power of two) slots of <paramref name="resolutionMs"/> starting at <paramref name="nowMs"/>.</summary>
    public TimingWheel(long nowMs, long resolutionMs = 50, int slots = 1 << 16, int initialCapacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resolutionMs, 1);
        if (slots < 2 || (slots & (slots - 1)) != 0)
        {
            throw new ArgumentException("The slot count must be a power of two.", nameof(slots));
        }

        _heads = new int[slots];
        Array.Fill(_heads, -1);
        _mask = slots - 1;
        _resolutionMs = resolutionMs;
        _entries = new Entry[Math.Max(16, initialCapacity)];
        _cursorTick = nowMs / resolutionMs;
    }

    /// <summary>Entries waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Schedules <paramref name="item"/> at <paramref name="dueMs"/> (past times come due at the next advance).</summary>
    public void Schedule(T item, long dueMs)
    {
        var tick = Math.Max(dueMs / _resolutionMs, _cursorTick);
        var index = Allocate();
        ref var entry = ref _entries[index];
        entry.Item = item;
        entry.DueTick = tick;
        var slot = (int)(tick & _mask);
        entry.Next = _heads[slot];
        _heads[slot] = index;
        Count++;
    }

    /// <summary>
    /// Moves time to <paramref name="nowMs"/>, adding entries now due to <paramref name="due"/>, at most
    /// <paramref name="limit"/> of them; returns how many. Entries over the limit stay where they are (nothing is moved or
    /// rescheduled) and come out first at the next advance.
    /// </summary>
    public int Advance(long nowMs, List<T> due, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(due);
        var target = nowMs / _resolutionMs;
        var added = 0;
        var steps = Math.Min(target - _cursorTick, _heads.Length - 1);
        for (var tick = target - steps; tick <= target; tick++)
        {
            added += DrainSlot((int)(tick & _mask), target, due, limit - added);
            if (added >= limit)
            {
                // Stopped in this slot: the next advance starts from it again.
                _cursorTick = Math.Max(_cursorTick, tick);
                return added;
            }
        }

        _cursorTick = Math.Max(_cursorTick, target);
        return added;
    }

    private int DrainSlot(int slot, long targetTick, List<T> due, int limit)
    {
        var added = 0;
        var previous = -1;
        var index = _heads[slot];
        while (index >= 0 && added < limit)
        {
            ref var entry = ref _entries[index];
            var next = entry.Next;
            if (entry.DueTick <= targetTick)
            {
                due.Add(entry.Item);
                added++;
                if (previous < 0)
                {
                    _heads[slot] = next;
                }
                else
                {
                    _entries[previous].Next = next;
                }

                entry.Item = default!;
                entry.Next = _free;
                _free = index;
                Count--;
            }
            else
            {
                previous = index;
            }

            index = next;
        }

        return added;
    }

    /// <summary>Makes room for <paramref name="capacity"/> entries in all, so that scheduling that many allocates nothing more.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _entries.Length)
        {
            Array.Resize(ref _entries, capacity);
        }
    }

    private int Allocate()
    {
        if (_free >= 0)
        {
            var index = _free;
            _free = _entries[index].Next;
            return index;
        }

        if (_used == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        return _used++;
    }

    private struct Entry
    {
        public T Item;
        public long DueTick;
        public int Next;
    }
}
