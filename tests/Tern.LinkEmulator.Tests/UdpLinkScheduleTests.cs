namespace Tern.LinkEmulator.Tests;

public sealed class UdpLinkScheduleTests
{
    // The link judges a datagram when the relay reads it, a moment after the probe stamped it (longer on a loaded
    // machine): a datagram counts as sent inside or outside an outage only if it was for this long after its stamp.
    // LinkDirectionTests check the edges to the tick.
    private static readonly long Slack = TimeSpan.FromMilliseconds(50).Ticks;

    [Fact]
    public async Task A_blackout_drops_exactly_what_arrives_in_its_span()
    {
        var clock = new ScaledTimeProvider(1);
        var blackout = new PeriodicBlackout(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200));
        await AssertDroppedInSpansAsync(clock, new DirectionProfile { Blackout = blackout }, blackout.IsDown, c => c.DroppedBlackout);
    }

    [Fact]
    public async Task Outside_a_contact_window_everything_is_dropped()
    {
        // Run at 10×: 300 ms on and 200 ms off of scaled time are 30 and 20 ms of real time.
        var clock = new ScaledTimeProvider(10);
        var windows = new ContactWindows(TimeSpan.FromMilliseconds(3000), TimeSpan.FromMilliseconds(2000), TimeSpan.FromMilliseconds(1000));
        await AssertDroppedInSpansAsync(clock, new DirectionProfile { Windows = windows }, windows.IsDown, c => c.DroppedWindow, slackScale: 10);
    }

    private static async Task AssertDroppedInSpansAsync(
        ScaledTimeProvider clock, DirectionProfile way, Func<long, bool> isDown, Func<LinkCounters, long> dropped, int slackScale = 1)
    {
        const int Count = 1500;
        using var probe = new Probe(clock);
        await using var link = new UdpLink(probe.EndPoint, new LinkProfile { ToTarget = way }, clock);
        using var sender = Probe.Sender();
        var sent = new long[Count];
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            while (started.Elapsed.TotalMilliseconds < i)
            {
                Thread.Sleep(1);
            }

            sent[i] = clock.GetTimestamp();
            Probe.Send(sender, link.EndPoint, clock, i, 64);
        }

        Assert.True(await Wait.UntilAsync(() => link.ToTarget.PacketsIn == Count && link.ToTarget.InFlight == 0, TimeSpan.FromSeconds(5)), $"{link.ToTarget}");
        Assert.True(await Wait.UntilAsync(() => probe.Count == link.ToTarget.PacketsDelivered, TimeSpan.FromSeconds(2)));
        var arrived = probe.Arrivals.Select(a => a.Sequence).ToHashSet();
        var slack = Slack * slackScale;
        var droppedCount = 0;
        for (var i = 0; i < Count; i++)
        {
            // Sent well inside an outage: dropped. Sent well outside one (up at the stamp and for the slack after): delivered.
            if (isDown(sent[i]) && isDown(sent[i] + slack))
            {
                Assert.False(arrived.Contains(i), $"datagram {i} sent at {TimeSpan.FromTicks(sent[i])} (down) arrived");
            }
            else if (!isDown(sent[i]) && !isDown(sent[i] + slack))
            {
                Assert.True(arrived.Contains(i), $"datagram {i} sent at {TimeSpan.FromTicks(sent[i])} (up) was dropped");
            }

            droppedCount += arrived.Contains(i) ? 0 : 1;
        }

        Assert.True(droppedCount > 100, $"{droppedCount} dropped: the outages were not exercised");
        Assert.Equal(droppedCount, dropped(link.ToTarget));
        Assert.Equal(Count, link.ToTarget.PacketsDelivered + link.ToTarget.Dropped);
    }
}
