namespace Tern.LinkEmulator.Tests;

public sealed class ScheduleTests
{
    private static long Ms(double ms) => TimeSpan.FromMilliseconds(ms).Ticks;

    [Fact]
    public void A_blackout_spans_its_duration_once_a_period_from_its_offset()
    {
        var blackout = new PeriodicBlackout(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(15));
        Assert.False(blackout.IsDown(0)); // none before the offset, though it is a whole period
        Assert.Equal(0, blackout.NextUp(0));
        Assert.False(blackout.IsDown(Ms(14_999.99)));
        Assert.True(blackout.IsDown(Ms(15_000)));
        Assert.True(blackout.IsDown(Ms(15_049.99)));
        Assert.False(blackout.IsDown(Ms(15_050)));
        Assert.True(blackout.IsDown(Ms(30_010)));
        Assert.Equal(Ms(15_050), blackout.NextUp(Ms(15_020)));
        Assert.Equal(Ms(16_000), blackout.NextUp(Ms(16_000)));
    }

    [Fact]
    public void Before_its_first_window_the_link_is_down()
    {
        var windows = new ContactWindows(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(70));
        Assert.True(windows.IsDown(0));
        Assert.True(windows.IsDown(Ms(69_999)));
        Assert.Equal(Ms(70_000), windows.NextUp(Ms(5_000)));
        Assert.False(windows.IsDown(Ms(70_000)));
        Assert.True(windows.IsDown(Ms(100_000)));
        Assert.False(windows.IsDown(Ms(130_000)));
    }

    [Fact]
    public void Windows_open_and_close_on_plan_for_a_hundred_cycles()
    {
        var windows = new ContactWindows(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.Zero);
        for (var cycle = 0; cycle < 100; cycle++)
        {
            var opens = Ms(cycle * 60_000);
            Assert.False(windows.IsDown(opens));
            Assert.False(windows.IsDown(opens + Ms(29_999.99)));
            Assert.True(windows.IsDown(opens + Ms(30_000)));
            Assert.True(windows.IsDown(opens + Ms(59_999.99)));
            Assert.Equal(opens + Ms(60_000), windows.NextUp(opens + Ms(45_000)));
        }
    }
}
