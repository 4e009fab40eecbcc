namespace Tern.LinkEmulator.Tests;

/// <summary>The direction model on exact scaled instants, without sockets or threads.</summary>
public sealed class LinkDirectionTests
{
    private static long Ms(double ms) => TimeSpan.FromMilliseconds(ms).Ticks;

    [Fact]
    public void A_blackout_drops_exactly_the_datagrams_arriving_in_its_span()
    {
        var blackout = new PeriodicBlackout(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(15));
        var direction = new LinkDirection(new DirectionProfile { Blackout = blackout }, new Random(1));
        Assert.Equal(DropCause.None, direction.AdmitDatagram(100, Ms(15_000) - 1, out _, out _));
        Assert.Equal(DropCause.Blackout, direction.AdmitDatagram(100, Ms(15_000), out _, out _));
        Assert.Equal(DropCause.Blackout, direction.AdmitDatagram(100, Ms(15_050) - 1, out _, out _));
        Assert.Equal(DropCause.None, direction.AdmitDatagram(100, Ms(15_050), out _, out _));
        Assert.Equal(DropCause.Blackout, direction.AdmitDatagram(100, Ms(30_020), out _, out _));
        var counters = direction.Statistics.Snapshot();
        Assert.Equal(3, counters.DroppedBlackout);
        Assert.Equal(5, counters.PacketsIn);
    }

    [Fact]
    public void Schedules_counted_from_a_later_origin_shift_by_it_whole()
    {
        // Counted from 10 s: the blackout of 15 s to 15.05 s falls at 25 s to 25.05 s, and the window from 10 s opens at 20 s.
        var blackout = new PeriodicBlackout(TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(15));
        var direction = new LinkDirection(new DirectionProfile { Blackout = blackout }, new Random(1));
        direction.CountSchedulesFrom(Ms(10_000));
        Assert.Equal(DropCause.None, direction.AdmitDatagram(100, Ms(15_000), out _, out _));
        Assert.Equal(DropCause.Blackout, direction.AdmitDatagram(100, Ms(25_000), out _, out _));
        Assert.Equal(DropCause.None, direction.AdmitDatagram(100, Ms(25_050), out _, out _));

        var windows = new ContactWindows(TimeSpan.FromHours(1), TimeSpan.FromHours(1), TimeSpan.FromSeconds(10));
        var windowed = new LinkDirection(new DirectionProfile { Windows = windows }, new Random(1));
        windowed.CountSchedulesFrom(Ms(10_000));
        Assert.Equal(DropCause.Window, windowed.AdmitDatagram(100, Ms(19_999), out _, out _));
        Assert.Equal(DropCause.None, windowed.AdmitDatagram(100, Ms(20_000), out _, out _));

        // TCP: a segment read in the shifted blackout leaves when it ends.
        var tcp = new LinkDirection(new DirectionProfile { Blackout = blackout }, new Random(1));
        tcp.CountSchedulesFrom(Ms(10_000));
        Assert.Equal(Ms(15_000), tcp.AdmitSegment(100, Ms(15_000)));
        Assert.Equal(Ms(25_050), tcp.AdmitSegment(100, Ms(25_010)));
    }

    [Fact]
    public void Outside_a_window_datagrams_are_dropped_and_segments_held_until_it_opens()
    {
        var windows = new ContactWindows(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.Zero);
        var profile = new DirectionProfile { Windows = windows, Delay = TimeSpan.FromMinutes(10) };
        var direction = new LinkDirection(profile, new Random(1));
        Assert.Equal(DropCause.None, direction.AdmitDatagram(100, Ms(29_999), out var deliverAt, out _));
        Assert.Equal(Ms(29_999) + Ms(600_000), deliverAt);
        Assert.Equal(DropCause.Window, direction.AdmitDatagram(100, Ms(30_000), out _, out _));
        Assert.Equal(DropCause.Window, direction.AdmitDatagram(100, Ms(59_999), out _, out _));
        Assert.Equal(DropCause.None, direction.AdmitDatagram(100, Ms(60_000), out _, out _));

        // TCP: a segment read while the window is closed leaves when it opens, then crosses the light time.
        var tcp = new LinkDirection(profile, new Random(1));
        Assert.Equal(Ms(29_999) + Ms(600_000), tcp.AdmitSegment(100, Ms(29_999)));
        Assert.Equal(Ms(60_000) + Ms(600_000), tcp.AdmitSegment(100, Ms(45_000)));
        Assert.Equal(1, tcp.Statistics.Snapshot().Held);
    }

    [Fact]
    public void A_segment_that_meets_a_blackout_leaves_when_it_ends()
    {
        var blackout = new PeriodicBlackout(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), TimeSpan.Zero);
        var direction = new LinkDirection(new DirectionProfile { Blackout = blackout }, new Random(1));
        Assert.Equal(Ms(50), direction.AdmitSegment(1000, Ms(10)));
        Assert.Equal(Ms(60), direction.AdmitSegment(1000, Ms(60)));
    }

    [Fact]
    public void The_rate_spaces_datagrams_by_their_serialization_and_the_queue_tail_drops()
    {
        // 8 Mbit/s: 1000 bytes take 1 ms. Queue 3000 bytes: three wait, the fourth behind them is dropped.
        var profile = new DirectionProfile { RateBitsPerSecond = 8_000_000, QueueLimitBytes = 3000, Delay = TimeSpan.FromMilliseconds(5) };
        var direction = new LinkDirection(profile, new Random(1));
        var delivered = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            if (direction.AdmitDatagram(1000, 0, out var at, out _) == DropCause.None)
            {
                delivered.Add(at);
            }
        }

        Assert.Equal([Ms(6), Ms(7), Ms(8)], delivered);
        Assert.Equal(2, direction.Statistics.Snapshot().DroppedQueue);

        // A millisecond later one has left the queue: room for exactly one more.
        Assert.Equal(DropCause.None, direction.AdmitDatagram(1000, Ms(1), out var next, out _));
        Assert.Equal(Ms(9), next);
        Assert.Equal(DropCause.Queue, direction.AdmitDatagram(1000, Ms(1), out _, out _));
    }

    [Theory]
    [InlineData(false, 1000, 0.95, 1.0)]
    [InlineData(true, 1, 0.95, 1.0)]
    [InlineData(true, 1000, 0.45, 0.55)]
    public void A_clocked_gilbert_elliott_link_ends_its_bad_spells_in_time_for_a_sparse_flow(bool clocked, int msApart, double least, double most)
    {
        // Bad spells of 100 datagrams (q = 0.01), bad half the time; 8 Mbit/s carries 1000 bytes a millisecond. Back to back
        // a loss follows a loss 99 % of the time either way; a datagram a second on a clocked link meets a chain 1000 steps
        // on, independent of the last (a loss follows a loss as often as the link is bad, 50 %), on an unclocked one still 99 %.
        var profile = new DirectionProfile { RateBitsPerSecond = 8_000_000, Loss = LossModel.GilbertElliott(0.01, 0.01, clockedByLink: clocked) };
        var direction = new LinkDirection(profile, new Random(4));
        var lost = 0;
        var pairs = 0;
        var previous = false;
        for (var i = 0; i < 20_000; i++)
        {
            var now = direction.AdmitDatagram(1000, Ms((double)i * msApart), out _, out _) == DropCause.Loss;
            lost += now ? 1 : 0;
            pairs += now && previous ? 1 : 0;
            previous = now;
        }

        Assert.InRange((double)pairs / lost, least, most);
    }

    [Fact]
    public void Jitter_is_uniform_over_its_span_above_the_delay()
    {
        var profile = new DirectionProfile { Delay = TimeSpan.FromMilliseconds(20), Jitter = TimeSpan.FromMilliseconds(20) };
        var direction = new LinkDirection(profile, new Random(2));
        var buckets = new int[4];
        const int Draws = 40_000;
        for (var i = 0; i < Draws; i++)
        {
            Assert.Equal(DropCause.None, direction.AdmitDatagram(10, 0, out var at, out _));
            Assert.InRange(at, Ms(20), Ms(40));
            buckets[Math.Min(3, (int)((at - Ms(20)) / Ms(5)))]++;
        }

        // 10,000 expected per 5 ms quarter, σ ≈ 87: 5σ either side.
        Assert.All(buckets, count => Assert.InRange(count, 9_565, 10_435));
    }

    [Fact]
    public void Tcp_loss_adds_a_retransmission_timeout_doubled_for_each_loss_in_a_row()
    {
        // Gilbert–Elliott with p = q = 1 and everything lost in the bad state alternates: one loss, then a delivery.
        var alternating = new LinkDirection(
            new DirectionProfile { Loss = LossModel.GilbertElliott(1, 1), TcpRetransmissionTimeout = TimeSpan.FromMilliseconds(100) },
            new Random(1));
        Assert.Equal(Ms(100), alternating.AdmitSegment(100, 0));
        Assert.Equal(Ms(1100), alternating.AdmitSegment(100, Ms(1000)));
        Assert.Equal(2, alternating.Statistics.Snapshot().Retransmissions);

        // A link that loses everything: 15 losses in a row (Linux's tcp_retries2), the timeout doubling up to 64×:
        // 1 + 2 + 4 + 8 + 16 + 32 + 9 × 64 = 639 timeouts, then the segment is delivered all the same.
        var dead = new LinkDirection(
            new DirectionProfile { Loss = LossModel.Bernoulli(1), TcpRetransmissionTimeout = TimeSpan.FromMilliseconds(100), Delay = TimeSpan.FromMilliseconds(10) },
            new Random(1));
        Assert.Equal(Ms(10) + (639 * Ms(100)), dead.AdmitSegment(100, 0));
        Assert.Equal(15, dead.Statistics.Snapshot().Retransmissions);
    }

    [Fact]
    public void The_default_retransmission_timeout_is_a_round_trip_plus_200_ms()
    {
        var direction = new LinkDirection(
            new DirectionProfile { Loss = LossModel.GilbertElliott(1, 1), Delay = TimeSpan.FromMilliseconds(300) },
            new Random(1));
        Assert.Equal(Ms(300) + Ms(800), direction.AdmitSegment(100, 0));
    }
}
