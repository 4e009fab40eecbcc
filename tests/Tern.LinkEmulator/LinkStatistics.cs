namespace Tern.LinkEmulator;

/// <summary>One direction's counters, updated from the relay's receive loop and the pacing thread.</summary>
internal sealed class LinkStatistics
{
    private long _packetsIn;
    private long _bytesIn;
    private long _packetsDelivered;
    private long _bytesDelivered;
    private long _droppedLoss;
    private long _droppedQueue;
    private long _droppedBlackout;
    private long _droppedWindow;
    private long _duplicated;
    private long _retransmissions;
    private long _held;
    private long _maxQueueingTicks;

    // The delivery rate is measured between the first and the last delivery (scaled ticks), over the bytes delivered
    // after the first: the first datagram's bytes mark the start, not a span of the link's work.
    private long _firstDeliveryTicks = -1;
    private long _firstDeliveryBytes;
    private long _lastDeliveryTicks;

    public void Arrived(int bytes)
    {
        Interlocked.Increment(ref _packetsIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    public void Dropped(DropCause cause)
    {
        switch (cause)
        {
            case DropCause.Loss:
                Interlocked.Increment(ref _droppedLoss);
                break;
            case DropCause.Queue:
                Interlocked.Increment(ref _droppedQueue);
                break;
            case DropCause.Blackout:
                Interlocked.Increment(ref _droppedBlackout);
                break;
            case DropCause.Window:
                Interlocked.Increment(ref _droppedWindow);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(cause), cause, "not a drop");
        }
    }

    public void Duplicate() => Interlocked.Increment(ref _duplicated);

    public void Retransmitted() => Interlocked.Increment(ref _retransmissions);

    public void HeldBack() => Interlocked.Increment(ref _held);

    /// <summary>A datagram admitted to wait <paramref name="ticks"/> (scaled) behind the queue before its serialization.</summary>
    public void Queued(long ticks)
    {
        var max = Interlocked.Read(ref _maxQueueingTicks);
        while (ticks > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxQueueingTicks, ticks, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Called by the one thread that delivers this direction's datagrams.</summary>
    public void Delivered(int bytes, long nowTicks)
    {
        if (Interlocked.Read(ref _firstDeliveryTicks) < 0)
        {
            _firstDeliveryBytes = bytes;
            Interlocked.Exchange(ref _firstDeliveryTicks, nowTicks);
        }

        Interlocked.Exchange(ref _lastDeliveryTicks, nowTicks);
        Interlocked.Add(ref _bytesDelivered, bytes);
        Interlocked.Increment(ref _packetsDelivered);
    }

    public LinkCounters Snapshot()
    {
        var bytesDelivered = Interlocked.Read(ref _bytesDelivered);
        var first = Interlocked.Read(ref _firstDeliveryTicks);
        var span = Interlocked.Read(ref _lastDeliveryTicks) - first;
        var rate = first < 0 || span <= 0 ? 0 : (bytesDelivered - _firstDeliveryBytes) * 8.0 * TimeSpan.TicksPerSecond / span;
        return new LinkCounters(
            Interlocked.Read(ref _packetsIn),
            Interlocked.Read(ref _bytesIn),
            Interlocked.Read(ref _packetsDelivered),
            bytesDelivered,
            Interlocked.Read(ref _droppedLoss),
            Interlocked.Read(ref _droppedQueue),
            Interlocked.Read(ref _droppedBlackout),
            Interlocked.Read(ref _droppedWindow),
            Interlocked.Read(ref _duplicated),
            Interlocked.Read(ref _retransmissions),
            Interlocked.Read(ref _held),
            rate,
            TimeSpan.FromTicks(Interlocked.Read(ref _maxQueueingTicks)));
    }
}
