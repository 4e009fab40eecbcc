using System.Diagnostics;
using System.Globalization;
using Tern.Load.Open;

namespace Tern.Load.Tests;

/// <summary>The open-model driver against a trivial local server: its rate, its coordinated-omission correction, its counts.</summary>
public sealed class OpenLoadTests
{
    [Fact]
    public async Task Scheduler_keeps_the_intended_rate_within_two_percent()
    {
        await using var server = new PingServer(_ => (TimeSpan.Zero, false));
        var stream = new LoadStream(new LoadStreamOptions { Name = "ping", Rate = 1000, Arrival = ArrivalKind.Constant, Lanes = 8 }, new PingTarget(server.EndPoint));

        var timeline = Path.Combine(Path.GetTempPath(), $"tern-load-test-{Guid.NewGuid():N}.csv");
        LoadRunResult result;
        string[] rows;
        try
        {
            result = await LoadRun.RunAsync([stream], new LoadRunOptions { Warmup = TimeSpan.FromSeconds(1), Duration = TimeSpan.FromSeconds(3), Progress = null, TimelinePath = timeline });
            rows = File.ReadAllLines(timeline);
        }
        finally
        {
            File.Delete(timeline);
        }

        // One row a second: the warm-up second, then the three measured ones (and drain rows, should answers still be due).
        Assert.StartsWith("t_s,phase,stream,scheduled,", rows[0], StringComparison.Ordinal);
        Assert.Equal(["warmup", "measured", "measured", "measured"], rows.Skip(1).Take(4).Select(r => r.Split(',')[1]));
        var scheduled = rows.Skip(1).Select(r => long.Parse(r.Split(',')[3], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(scheduled.Take(4), n => Assert.InRange(n, 900, 1100));
        Assert.InRange(scheduled.Sum(), 3999, 4001);
        var ping = result["ping"];
        Assert.InRange(ping.Counters.Scheduled, 2999, 3001);
        Assert.InRange(ping.AchievedRate, 980, 1020);
        Assert.Equal(0, ping.Counters.Dropped);
        Assert.Equal(0, ping.Counters.Errors);
        Assert.Equal(ping.Counters.Scheduled, ping.Counters.Ok);
    }

    [Fact]
    public void Poisson_arrivals_have_the_intended_mean_and_exponential_spread_and_repeat_with_their_seed()
    {
        const int Count = 100_000;
        var schedule = new ArrivalSchedule(1000, ArrivalKind.Poisson, seed: 18);
        var again = new ArrivalSchedule(1000, ArrivalKind.Poisson, seed: 18);
        var gaps = new double[Count];
        long previous = 0;
        for (var i = 0; i < Count; i++)
        {
            var due = schedule.Next();
            Assert.Equal(due, again.Next());
            gaps[i] = (due - previous) / (double)Stopwatch.Frequency;
            previous = due;
        }

        var mean = gaps.Average();
        var deviation = Math.Sqrt(gaps.Select(g => (g - mean) * (g - mean)).Average());
        Assert.InRange(mean, 0.00099, 0.00101);
        // Exponential gaps: the standard deviation equals the mean (constant gaps would have none).
        Assert.InRange(deviation / mean, 0.97, 1.03);
    }

    [Fact]
    public async Task A_stall_shows_in_the_corrected_histogram_through_its_queued_sends_and_not_in_the_uncorrected_one()
    {
        // One lane, 1000 sends a second: the server holds one answer for 200 ms in the measured phase, so the ~200 sends
        // due meanwhile wait for the lane and go out late, each then answered at once.
        const long StallAt = 1500;
        await using var server = new PingServer(sequence => (sequence == StallAt ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero, false));
        var stream = new LoadStream(new LoadStreamOptions { Name = "ping", Rate = 1000, Arrival = ArrivalKind.Constant, Lanes = 1 }, new PingTarget(server.EndPoint));

        var result = await LoadRun.RunAsync([stream], new LoadRunOptions { Warmup = TimeSpan.FromSeconds(1), Duration = TimeSpan.FromSeconds(2), Progress = null });

        var ping = result["ping"];
        Assert.Equal(0, ping.Counters.Dropped);
        Assert.True(ping.Counters.Late >= 100, $"{ping.Counters.Late} late sends");
        // Corrected: the queued sends carry their wait, so more than 1 % of the measured sends took over 100 ms.
        Assert.True(StreamResult.Milliseconds(ping.Corrected, 99) >= 100, ping.Format());
        Assert.True(StreamResult.Milliseconds(ping.Corrected, 100) >= 190, ping.Format());
        // Uncorrected: only the stalled request itself is slow; the queued ones look fast from their late start.
        Assert.True(StreamResult.Milliseconds(ping.Uncorrected, 99) < 50, ping.Format());
        Assert.True(StreamResult.Milliseconds(ping.Uncorrected, 100) >= 190, ping.Format());
    }

    [Fact]
    public async Task Every_due_send_is_answered_failed_or_dropped()
    {
        // 4 ms an answer on 2 lanes carries about 500 a second against 1000 due: the in-flight bound drops sends. Every
        // 7th request is refused and the 300th the server sees is held past the operation's timeout.
        var received = 0;
        await using var server = new PingServer(sequence => Interlocked.Increment(ref received) == 300
            ? (TimeSpan.FromSeconds(1), false)
            : (TimeSpan.FromMilliseconds(4), sequence % 7 == 0));
        var options = new LoadStreamOptions { Name = "ping", Rate = 1000, Arrival = ArrivalKind.Constant, Lanes = 2, MaxInFlight = 4, Timeout = TimeSpan.FromMilliseconds(300) };
        var stream = new LoadStream(options, new PingTarget(server.EndPoint));

        var result = await LoadRun.RunAsync([stream], new LoadRunOptions { Warmup = TimeSpan.FromSeconds(1), Duration = TimeSpan.FromSeconds(2), Progress = null });

        foreach (var counters in new[] { stream.Warmup, stream.Measured })
        {
            Assert.Equal(counters.Scheduled, counters.Ok + counters.Errors + counters.Dropped);
            Assert.Equal(counters.Started, counters.Ok + counters.Errors);
        }

        var ping = result["ping"];
        Assert.True(ping.CountsAddUp);
        Assert.InRange(ping.Counters.Scheduled, 1999, 2001);
        Assert.True(ping.Counters.Dropped > 0, ping.Format());
        Assert.True(ping.Counters.Errors > 0, ping.Format());
        Assert.Contains(ping.Counters.ErrorClasses(), e => e.Key == "test-refused");
        var classes = stream.Warmup.ErrorClasses().Concat(stream.Measured.ErrorClasses()).Select(e => e.Key);
        Assert.Contains(ErrorClasses.Timeout, classes);
    }
}
