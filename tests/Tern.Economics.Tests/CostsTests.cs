namespace Tern.Economics.Tests;

public sealed class CostsTests
{
    [Fact]
    public void PerUnit_subtracts_the_background_over_the_window_and_divides_by_the_units()
    {
        // 2.5 s of CPU over 10 s with 0.2 s/s of background: 0.5 s for 1000 notifications, 500 µs each.
        Assert.Equal(500e-6, Costs.PerUnit(2.5, 0.2, 10, 1000), 12);
        // A window cheaper than its background costs nothing, never a negative figure.
        Assert.Equal(0, Costs.PerUnit(1, 0.2, 10, 1000));
        Assert.True(double.IsNaN(Costs.PerUnit(1, 0, 1, 0)));
    }

    [Fact]
    public void PerPulled_charges_the_pulled_with_what_the_ignored_did_not_cost()
    {
        // 1000 filed, 10 pulled: 990 ignored at 20 µs = 19 800 µs of the run's 29 800; 10 000 µs over 10 pulled.
        Assert.Equal(1000, Costs.PerPulled(29_800, 20, 1000, 10), 9);
        Assert.True(double.IsNaN(Costs.PerPulled(100, 1, 10, 0)));
    }

    [Fact]
    public void Marginal_is_the_slope_between_two_sizes_so_a_fixed_cost_drops_out()
    {
        // 0.3 s fixed in both runs plus 5 µs a notification: 20 000 → 0.4 s, 100 000 → 0.8 s. Per notification at
        // 100 000 that is 8 µs; the slope is the 5.
        Assert.Equal(5e-6, Costs.Marginal(0.8, 0.4, 100_000, 20_000), 12);
        Assert.Equal(8e-6, Costs.PerUnit(0.8, 0, 1, 100_000), 12);
        Assert.True(double.IsNaN(Costs.Marginal(1, 1, 10, 10)));
    }

    [Fact]
    public void Ratio_is_sender_over_recipient()
    {
        Assert.Equal(400, Costs.Ratio(51_200, 128));
        Assert.True(double.IsPositiveInfinity(Costs.Ratio(1, 0)));
        Assert.True(double.IsNaN(Costs.Ratio(0, 0)));
    }

    [Fact]
    public void Percentile_is_nearest_rank()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList();
        Assert.Equal(99, Costs.Percentile(values, 99));
        Assert.Equal(50, Costs.Percentile(values, 50));
        Assert.Equal(100, Costs.Percentile(values, 100));
        Assert.Equal(7, Costs.Percentile([7], 99));
        Assert.True(double.IsNaN(Costs.Percentile([], 99)));
    }

    [Fact]
    public void BlockToZero_is_the_last_increase_after_the_block()
    {
        List<(double, long)> samples = [(0.0, 0L), (1.0, 10L), (2.0, 20L), (2.5, 21L), (2.6, 21L), (4.0, 21L)];
        Assert.Equal(0.5, Costs.BlockToZero(samples, 2.0), 9);
        // Nothing filed after the block: zero.
        Assert.Equal(0, Costs.BlockToZero(samples, 3.0));
    }

    [Fact]
    public void RetransmissionsUntil_follows_the_doubling_schedule_to_its_ceiling()
    {
        // Intervals 1.5, 3, 6 s (2^n × 0.75): the third retransmission comes at 10.5 s.
        Assert.Equal(2, Costs.RetransmissionsUntil(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, Costs.RetransmissionsUntil(TimeSpan.FromSeconds(11)));
        // Doubling to 2048 s × 0.75 (11 retransmissions, 3070.5 s), then every 2700 s: 30 more by 24 h.
        Assert.Equal(11 + (int)((86_400 - 3070.5) / 2700), Costs.RetransmissionsUntil(TimeSpan.FromHours(24)));
    }

    [Fact]
    public void Funnel_counts_pulled_references_as_filed()
    {
        var funnel = Funnel.Of(sent: 1000, pendingAdded: 990, pulled: 10, deferred: 0);
        Assert.Equal(1000, funnel.Filed);
        Assert.Equal(1.0, funnel.FiledShare);
        Assert.Equal(0.01, funnel.PulledShare, 12);
    }
}
