namespace Tern.LinkEmulator;

/// <summary>
/// One direction's model: contact windows and blackouts, the queue and rate limiter, loss, delay and jitter. It decides,
/// per datagram or segment, whether it is delivered and when (in scaled ticks); the relays carry the bytes.
/// The rate limiter is a token bucket of one datagram's depth: each datagram takes size × 8 / rate seconds of the link
/// after the previous one has left, and the bytes still waiting (the backlog in front of the link) are bounded by the
/// queue limit. Thread-safe: one lock per direction, as the direction is one link shared by every flow on it.
/// </summary>
internal sealed class LinkDirection
{
    private const int MaxBackoffDoublings = 6;

    // Linux gives up on a segment after 15 retransmissions (tcp_retries2); the emulator delivers it then, since the byte
    // stream must arrive, so a link that loses everything still ends.
    private const int MaxRetransmissions = 15;
    private readonly DirectionProfile _profile;
    private readonly LossChain _loss;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly long _delayTicks;
    private readonly long _jitterTicks;
    private readonly long _rtoTicks;
    private long _linkFreeAt;
    private long _scheduleOrigin;

    public LinkDirection(DirectionProfile profile, Random random)
    {
        _profile = profile;
        _random = random;
        _loss = new LossChain(profile.Loss, random);
        _delayTicks = profile.Delay.Ticks;
        _jitterTicks = profile.Jitter.Ticks;
        _rtoTicks = (profile.TcpRetransmissionTimeout ?? (2 * profile.Delay) + TimeSpan.FromMilliseconds(200)).Ticks;
    }

    public DirectionProfile Profile => _profile;

    public LinkStatistics Statistics { get; } = new();

    /// <summary>
    /// Counts the windows' and blackouts' offsets from scaled elapsed time <paramref name="ticks"/> instead of the clock's
    /// start: a scenario whose schedule starts when its world is ready, however long that took.
    /// </summary>
    public void CountSchedulesFrom(long ticks)
    {
        lock (_gate)
        {
            _scheduleOrigin = ticks;
        }
    }

    /// <summary>
    /// Judges a UDP datagram of <paramref name="bytes"/> arriving at scaled time <paramref name="now"/>: dropped (and counted)
    /// or admitted with its delivery time and whether a duplicate follows. The link's state is read at arrival: a
    /// datagram that arrives during a blackout or outside a window is dropped; one that arrives while the link is up is
    /// carried even if its delay spans a later outage (it was already on its way).
    /// </summary>
    public DropCause AdmitDatagram(int bytes, long now, out long deliverAt, out long duplicateAt)
    {
        deliverAt = 0;
        duplicateAt = -1;
        Statistics.Arrived(bytes);
        DropCause cause;
        lock (_gate)
        {
            cause = Judge(bytes, now, ref deliverAt);
            if (cause == DropCause.None)
            {
                if (_profile.ReorderProbability > 0 && _random.NextDouble() < _profile.ReorderProbability)
                {
                    deliverAt += _profile.ReorderDelay.Ticks;
                }

                if (_profile.DuplicateProbability > 0 && _random.NextDouble() < _profile.DuplicateProbability)
                {
                    duplicateAt = deliverAt + Jitter();
                }
            }
        }

        if (cause != DropCause.None)
        {
            Statistics.Dropped(cause);
        }
        else if (duplicateAt >= 0)
        {
            Statistics.Duplicate();
        }

        return cause;
    }

    private DropCause Judge(int bytes, long now, ref long deliverAt)
    {
        if (_profile.Windows is { } windows && windows.IsDown(now - _scheduleOrigin))
        {
            return DropCause.Window;
        }

        if (_profile.Blackout is { } blackout && blackout.IsDown(now - _scheduleOrigin))
        {
            return DropCause.Blackout;
        }

        var start = Math.Max(now, _linkFreeAt);
        if (BacklogBytes(now, start) + bytes > _profile.QueueLimitBytes)
        {
            return DropCause.Queue;
        }

        if (now > _linkFreeAt && _profile.RateBitsPerSecond > 0)
        {
            // The datagrams of this size the link could have carried since it last freed (a clocked chain moves on).
            _loss.Idle((now - _linkFreeAt) / Math.Max(1, SerializationTicks(bytes)));
        }

        // The wait behind the datagrams ahead of it, measured here where the link holds it (not from the sender's
        // clock, which a stall of the relay's thread before this point would add to).
        Statistics.Queued(start - now);
        _linkFreeAt = start + SerializationTicks(bytes);

        // Lost on the wire: it has taken its share of the link's time.
        if (_loss.NextIsLost())
        {
            return DropCause.Loss;
        }

        deliverAt = _linkFreeAt + _delayTicks + Jitter();
        return DropCause.None;
    }

    /// <summary>
    /// Places a TCP segment of <paramref name="bytes"/> read at scaled time <paramref name="now"/> on the link and returns
    /// when its bytes reach the far end. Nothing is dropped: the byte stream must arrive. A segment that meets a blackout
    /// or a closed window waits for the link to come back (held, as a real stream stalls); a lost segment arrives one
    /// retransmission timeout later, doubled for each further loss in a row (TCP's backoff, up to 64 times the timeout),
    /// for at most 15 losses in a row.
    /// </summary>
    public long AdmitSegment(int bytes, long now)
    {
        Statistics.Arrived(bytes);
        long deliverAt;
        var held = false;
        var losses = 0;
        lock (_gate)
        {
            var start = Math.Max(now, _linkFreeAt);
            var up = NextUp(start - _scheduleOrigin) + _scheduleOrigin;
            held = up != start;
            _linkFreeAt = up + SerializationTicks(bytes);
            deliverAt = _linkFreeAt + _delayTicks + Jitter();
            while (losses < MaxRetransmissions && _loss.NextIsLost())
            {
                deliverAt += _rtoTicks << Math.Min(losses, MaxBackoffDoublings);
                losses++;
            }
        }

        if (held)
        {
            Statistics.HeldBack();
        }

        for (var i = 0; i < losses; i++)
        {
            Statistics.Retransmitted();
        }

        return deliverAt;
    }

    /// <summary>Bytes queued in front of the link at scaled time <paramref name="now"/> (waiting their turn, or held by an outage).</summary>
    public long BacklogBytes(long now)
    {
        lock (_gate)
        {
            return BacklogBytes(now, Math.Max(now, _linkFreeAt));
        }
    }

    /// <summary>Bytes waiting in front of the link at <paramref name="now"/> when the link frees at <paramref name="start"/>.</summary>
    private long BacklogBytes(long now, long start) =>
        _profile.RateBitsPerSecond == 0 ? 0 : (long)((start - now) * (double)_profile.RateBitsPerSecond / 8 / TimeSpan.TicksPerSecond);

    private long SerializationTicks(int bytes) =>
        _profile.RateBitsPerSecond == 0 ? 0 : (long)(bytes * 8.0 * TimeSpan.TicksPerSecond / _profile.RateBitsPerSecond);

    private long Jitter() => _jitterTicks == 0 ? 0 : _random.NextInt64(_jitterTicks + 1);

    private long NextUp(long ticks)
    {
        // A window may open inside a blackout and a blackout may end outside a window: step until both agree.
        for (var i = 0; i < 64; i++)
        {
            var next = ticks;
            if (_profile.Windows is { } windows)
            {
                next = windows.NextUp(next);
            }

            if (_profile.Blackout is { } blackout)
            {
                next = blackout.NextUp(next);
            }

            if (next == ticks)
            {
                return ticks;
            }

            ticks = next;
        }

        return ticks;
    }
}
