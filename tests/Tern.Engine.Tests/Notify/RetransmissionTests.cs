using Tern.Engine.Notify;

namespace Tern.Engine.Tests.Notify;

public class RetransmissionTests
{
    [Theory]
    [InlineData(1, 2_000)]
    [InlineData(2, 4_000)]
    [InlineData(5, 32_000)]
    [InlineData(11, 2_048_000)]
    [InlineData(12, 3_600_000)]
    [InlineData(1000, 3_600_000)]
    public void Backoff_doubles_from_two_seconds_up_to_the_protocol_maximum(int retransmission, long expectedMs)
        => Assert.Equal(expectedMs, RetransmissionPolicy.BaseIntervalMs(retransmission));

    [Fact]
    public void Jitter_keeps_the_interval_between_half_and_all_of_the_base()
    {
        Assert.Equal(1_000, RetransmissionPolicy.IntervalMs(1, 0.0));
        Assert.Equal(1_999, RetransmissionPolicy.IntervalMs(1, 0.9995));
        Assert.Equal(10_000 + 1_800_000, RetransmissionPolicy.NextAttemptAtMs(10_000, 20, 0.0));
    }

    [Fact]
    public void The_wheel_hands_out_entries_when_due_and_not_before()
    {
        var wheel = new TimingWheel<int>(nowMs: 0, resolutionMs: 10, slots: 64);
        wheel.Schedule(1, 5);
        wheel.Schedule(2, 100);
        wheel.Schedule(3, 100);
        wheel.Schedule(4, 5_000);     // beyond one turn of 640 ms: waits for its own turn
        wheel.Schedule(5, -50);       // already due

        var due = new List<int>();
        wheel.Advance(9, due);
        Assert.Equal([1, 5], due.Order().ToList());

        due.Clear();
        wheel.Advance(99, due);
        Assert.Empty(due);
        wheel.Advance(100, due);
        Assert.Equal([2, 3], due.Order().ToList());

        due.Clear();
        wheel.Advance(4_990, due);
        Assert.Empty(due);
        wheel.Advance(5_000, due);
        Assert.Equal([4], due);
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void A_long_pause_releases_everything_that_came_due_in_it()
    {
        var wheel = new TimingWheel<int>(0, 10, 64);
        var random = new Random(7);
        var dues = Enumerable.Range(0, 5_000).Select(i => (item: i, due: (long)random.Next(0, 100_000))).ToList();
        dues.ForEach(d => wheel.Schedule(d.item, d.due));

        var released = new List<int>();
        wheel.Advance(50_000, released);
        Assert.Equal(dues.Where(d => d.due / 10 <= 5_000).Select(d => d.item).Order(), released.Order());

        released.Clear();
        wheel.Advance(100_000, released);
        Assert.Equal(dues.Where(d => d.due / 10 > 5_000).Select(d => d.item).Order(), released.Order());
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void An_advance_with_a_limit_leaves_the_rest_due_first_at_the_next_advance()
    {
        var wheel = new TimingWheel<int>(0, 10, 64);
        for (var i = 0; i < 10; i++)
        {
            wheel.Schedule(i, i * 10); // ticks 0..9
        }

        wheel.Schedule(100, 5_000); // not due
        var released = new List<int>();
        Assert.Equal(4, wheel.Advance(95, released, limit: 4));
        Assert.Equal(4, released.Distinct().Count());
        Assert.Equal(7, wheel.Count);

        wheel.Schedule(50, 0); // in the past: due at the next advance too
        Assert.Equal(7, wheel.Advance(95, released));
        Assert.Equal([.. Enumerable.Range(0, 10), 50], released.Order());
        Assert.Equal(1, wheel.Count);
    }
}
