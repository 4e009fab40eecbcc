namespace Tern.LinkEmulator.Tests;

public sealed class UdpLinkRateTests
{
    [Fact]
    public async Task An_overloaded_link_delivers_its_rate_within_five_percent_and_accounts_for_every_datagram()
    {
        const long Rate = 8_000_000;
        const int Size = 1000;
        const int Count = 4500; // 3 s at 12 Mbit/s offered: 50 % more than the link carries
        var clock = new ScaledTimeProvider(1);
        using var probe = new Probe(clock);
        var profile = new LinkProfile { ToTarget = new DirectionProfile { RateBitsPerSecond = Rate, QueueLimitBytes = 200_000 } };
        await using var link = new UdpLink(probe.EndPoint, profile, clock);
        using var sender = Probe.Sender();

        Probe.SendSteady(sender, link.EndPoint, clock, Count, Size, perSecond: 1500);

        Assert.True(await Wait.UntilAsync(() => link.ToTarget.PacketsIn == Count && link.ToTarget.InFlight == 0, TimeSpan.FromSeconds(5)), $"{link.ToTarget}");
        await Wait.UntilAsync(() => probe.Count == link.ToTarget.PacketsDelivered, TimeSpan.FromSeconds(2));
        var counters = link.ToTarget;
        Assert.Equal(Count, counters.PacketsIn);
        Assert.Equal(counters.PacketsIn, counters.PacketsDelivered + counters.Dropped);
        Assert.Equal(counters.DroppedQueue, counters.Dropped);
        Assert.True(counters.DroppedQueue > 0, "an overloaded link tail-drops");
        Assert.Equal(counters.PacketsDelivered, probe.Count);

        // The rate as the receiver saw it, between its first and last arrival, and as the link measured it.
        var arrivals = probe.Arrivals;
        var seconds = TimeSpan.FromTicks(arrivals[^1].ArrivedTicks - arrivals[0].ArrivedTicks).TotalSeconds;
        var measured = (arrivals.Count - 1) * Size * 8 / seconds;
        Assert.InRange(measured, Rate * 0.95, Rate * 1.05);
        Assert.InRange(counters.DeliveryRateBitsPerSecond, Rate * 0.95, Rate * 1.05);
    }

    [Fact]
    public async Task The_queue_limit_bounds_the_added_queueing_delay()
    {
        const long Rate = 4_000_000;
        const int Queue = 20_000; // 40 ms at 4 Mbit/s
        const int Count = 1000;
        var clock = new ScaledTimeProvider(1);
        using var probe = new Probe(clock);
        var profile = new LinkProfile { ToTarget = new DirectionProfile { RateBitsPerSecond = Rate, QueueLimitBytes = Queue } };
        await using var link = new UdpLink(probe.EndPoint, profile, clock);
        using var sender = Probe.Sender();

        Probe.SendSteady(sender, link.EndPoint, clock, Count, 1000, perSecond: 1000); // 8 Mbit/s offered for 1 s

        Assert.True(await Wait.UntilAsync(() => link.ToTarget.PacketsIn == Count && link.ToTarget.InFlight == 0, TimeSpan.FromSeconds(5)), $"{link.ToTarget}");
        // Offered twice the rate, the queue fills: a datagram admitted to a full queue waits the queue's worth (40 ms)
        // and never more; without the limit the wait would grow to half a second by the end. Measured where the link
        // holds each datagram: the arrivals' own latencies also carry any stall of the sender or of the relay's thread
        // before the link sees a datagram (on a loaded machine, hundreds of milliseconds).
        var waited = link.ToTarget.MaxQueueingDelay;
        Assert.True(waited <= TimeSpan.FromMilliseconds(40), $"longest queueing {waited.TotalMilliseconds} ms");
        Assert.True(waited > TimeSpan.FromMilliseconds(36), $"a full queue waits: longest {waited.TotalMilliseconds} ms");
        Assert.Equal(link.ToTarget.PacketsDelivered, probe.Arrivals.Count);
        Assert.True(link.ToTarget.DroppedQueue > 300, $"{link.ToTarget.DroppedQueue} tail drops");
    }
}
