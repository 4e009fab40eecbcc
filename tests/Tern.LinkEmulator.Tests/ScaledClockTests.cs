using System.Diagnostics;

namespace Tern.LinkEmulator.Tests;

public sealed class ScaledClockTests
{
    [Fact]
    public async Task A_ten_minute_light_time_takes_one_second_at_600x()
    {
        var clock = new ScaledTimeProvider(600);
        using var probe = new Probe(clock);
        var profile = new LinkProfile { ToTarget = new DirectionProfile { Delay = TimeSpan.FromMinutes(10) } };
        await using var link = new UdpLink(probe.EndPoint, profile, clock);
        using var sender = Probe.Sender();

        var real = Stopwatch.StartNew();
        Probe.Send(sender, link.EndPoint, clock, 1, 64);
        Assert.True(await Wait.UntilAsync(() => probe.Count == 1, TimeSpan.FromSeconds(5)));
        real.Stop();

        // Scaled: ten minutes and at most a minute more (100 ms of real slack on a loaded machine is 60 s scaled).
        var scaled = probe.Arrivals[0].Latency;
        Assert.True(scaled >= TimeSpan.FromMinutes(10) && scaled < TimeSpan.FromMinutes(11), $"{scaled} scaled, {real.Elapsed} real");
        Assert.InRange(real.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task Timers_and_delays_on_the_clock_run_scaled()
    {
        var clock = new ScaledTimeProvider(60);
        var real = Stopwatch.StartNew();
        var before = clock.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(30), clock); // half a real second
        real.Stop();
        Assert.InRange(real.Elapsed, TimeSpan.FromMilliseconds(480), TimeSpan.FromMilliseconds(900));
        Assert.True(clock.GetElapsedTime(before) >= TimeSpan.FromSeconds(29.5), $"{clock.GetElapsedTime(before)}");

        var fired = new TaskCompletionSource<TimeSpan>();
        var started = clock.GetTimestamp();
        using var timer = clock.CreateTimer(_ => fired.TrySetResult(clock.GetElapsedTime(started)), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.FromSeconds(12), Timeout.InfiniteTimeSpan); // 200 ms real
        var elapsed = await fired.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.InRange(elapsed, TimeSpan.FromSeconds(11.5), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Wall_time_and_timestamps_advance_together_at_the_scale()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new ScaledTimeProvider(1000, start);
        Thread.Sleep(100);
        var now = clock.GetUtcNow();
        Assert.InRange(now - start, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(200));
        Assert.InRange(TimeSpan.FromTicks(clock.GetTimestamp()), now - start, now - start + TimeSpan.FromSeconds(100));
        var real = Stopwatch.GetTimestamp();
        Assert.InRange(clock.ToRealTimestamp(clock.ToScaledTicks(real)), real - 2, real + 2);
    }
}
