namespace Tern.LinkEmulator.Tests;

public sealed class UdpLinkLossTests
{
    [Fact]
    public async Task Bernoulli_loss_over_sockets_falls_in_the_binomial_band()
    {
        const double P = 0.05;
        const int Count = 12_000;
        var clock = new ScaledTimeProvider(1);
        using var probe = new Probe(clock);
        var profile = new LinkProfile { ToTarget = new DirectionProfile { Loss = LossModel.Bernoulli(P) }, Seed = 11 };
        await using var link = new UdpLink(probe.EndPoint, profile, clock);
        using var sender = Probe.Sender();

        Probe.SendSteady(sender, link.EndPoint, clock, Count, 64, perSecond: 20_000);

        Assert.True(await Wait.UntilAsync(() => link.ToTarget.PacketsIn == Count && link.ToTarget.InFlight == 0, TimeSpan.FromSeconds(5)), $"{link.ToTarget}");
        Assert.True(await Wait.UntilAsync(() => probe.Count == link.ToTarget.PacketsDelivered, TimeSpan.FromSeconds(2)));
        var counters = link.ToTarget;
        Assert.Equal(Count, counters.PacketsDelivered + counters.DroppedLoss);

        // n p = 600, σ = sqrt(n p (1 - p)) ≈ 23.9: a band of 4σ either side.
        var sigma = Math.Sqrt(Count * P * (1 - P));
        Assert.InRange(counters.DroppedLoss, (Count * P) - (4 * sigma), (Count * P) + (4 * sigma));

        // The probe received exactly the datagrams the link says it delivered, each once.
        Assert.Equal(probe.Count, probe.Arrivals.Select(a => a.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task Gilbert_elliott_bursts_over_sockets_last_one_over_q_on_average()
    {
        const double Q = 0.25;
        const int Count = 15_000;
        var clock = new ScaledTimeProvider(1);
        using var probe = new Probe(clock);
        var profile = new LinkProfile { ToTarget = new DirectionProfile { Loss = LossModel.GilbertElliott(0.05, Q) }, Seed = 5 };
        await using var link = new UdpLink(probe.EndPoint, profile, clock);
        using var sender = Probe.Sender();

        Probe.SendSteady(sender, link.EndPoint, clock, Count, 64, perSecond: 20_000);

        Assert.True(await Wait.UntilAsync(() => link.ToTarget.PacketsIn == Count && link.ToTarget.InFlight == 0, TimeSpan.FromSeconds(5)), $"{link.ToTarget}");
        Assert.True(await Wait.UntilAsync(() => probe.Count == link.ToTarget.PacketsDelivered, TimeSpan.FromSeconds(2)));

        // Bursts are the gaps in the sequence numbers received (no reordering on this link).
        var received = probe.Arrivals.Select(a => a.Sequence).Order().ToArray();
        var gaps = received.Zip(received.Skip(1)).Select(pair => pair.Second - pair.First - 1).Where(gap => gap > 0).ToArray();
        var lost = gaps.Sum() + received[0] + (Count - 1 - received[^1]);
        Assert.Equal(link.ToTarget.DroppedLoss, lost);

        // About 625 bursts: the mean's standard error is sqrt(1 - q) / q / sqrt(625) ≈ 0.14, so ±18 % (0.72) is 5σ.
        // (LossChainTests hold the chain itself to ±5 % over a million draws.)
        Assert.InRange(gaps.Average(), 1 / Q * 0.82, 1 / Q * 1.18);
    }

    [Fact]
    public async Task Duplicates_and_reordering_are_counted_and_seen()
    {
        const int Count = 2000;
        var clock = new ScaledTimeProvider(1);
        using var probe = new Probe(clock);
        var way = new DirectionProfile { DuplicateProbability = 0.05, ReorderProbability = 0.05, ReorderDelay = TimeSpan.FromMilliseconds(5) };
        await using var link = new UdpLink(probe.EndPoint, new LinkProfile { ToTarget = way, Seed = 9 }, clock);
        using var sender = Probe.Sender();

        Probe.SendSteady(sender, link.EndPoint, clock, Count, 64, perSecond: 4000);

        Assert.True(await Wait.UntilAsync(() => link.ToTarget.PacketsIn == Count && link.ToTarget.InFlight == 0, TimeSpan.FromSeconds(5)), $"{link.ToTarget}");
        Assert.True(await Wait.UntilAsync(() => probe.Count == link.ToTarget.PacketsDelivered, TimeSpan.FromSeconds(2)));
        var counters = link.ToTarget;
        Assert.True(Count + counters.Duplicated == counters.PacketsDelivered, $"{counters}");
        Assert.InRange(counters.Duplicated, 60, 140); // n p = 100, σ ≈ 9.7

        var sequences = probe.Arrivals.Select(a => a.Sequence).ToArray();
        Assert.Equal(Count + (int)counters.Duplicated, sequences.Length);
        Assert.Equal(Count, sequences.Distinct().Count());
        Assert.InRange(sequences.Zip(sequences.Skip(1)).Count(pair => pair.Second < pair.First), 20, 400);
    }
}
