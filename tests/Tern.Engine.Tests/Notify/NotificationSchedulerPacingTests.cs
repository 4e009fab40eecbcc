using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Notify;

/// <summary>
/// Per-peer pacing (docs/ARCHITECTURE.md §4, "Pacing"): records over a peer's datagram budget are put off once, each to
/// the tick its token is earned by, and are not looked at again in the rounds before it, however often the loop is woken;
/// records put off later queue behind them.
/// </summary>
public sealed class NotificationSchedulerPacingTests
{
    private const int TickMs = 50;

    [Fact]
    public async Task Records_put_off_by_pacing_are_not_looked_at_again_before_their_turn()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler(o =>
        {
            o.MaxRecordsPerDatagram = 1;
            o.PeerDatagramsPerSecond = 1000; // a token a millisecond: every turn falls inside the first tick
            o.PeerDatagramBurst = 1;
        });
        AdvanceToTick(f);
        var capabilities = new List<FetchCapability>();
        for (var i = 0; i < 20; i++)
        {
            var submission = await f.SubmitAsync();
            capabilities.Add(submission.Capabilities[0]);
            scheduler.Schedule(submission);
        }

        // A round every millisecond, as other submissions waking the loop would run them, through the tick and into the next.
        var sent = new List<int>();
        for (var ms = 0; ms <= TickMs; ms++)
        {
            scheduler.RunRound(f.NowMs);
            sent.Add(f.Transport.Datagrams.Count);
            f.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.All(sent[..TickMs], n => Assert.Equal(1, n)); // the burst; the rest wait for the next tick
        Assert.Equal(20, sent[TickMs]); // there, all whose tokens were taken when they were put off
        Assert.Equal(19, scheduler.Counters.Paced); // each put off once, not once a round
        var records = f.Transport.Datagrams.SelectMany(d => d.Records).ToList();
        Assert.Equal(capabilities.ToHashSet(), records.Select(r => r.Capability).ToHashSet());
        Assert.Equal(20, records.Count);
        Assert.All(records, r => Assert.Equal(1, r.Attempt));
    }

    [Fact]
    public async Task Records_put_off_later_queue_behind_those_put_off_before()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler(o =>
        {
            o.MaxRecordsPerDatagram = 1;
            o.PeerDatagramsPerSecond = 15.625; // a token every 64 ms (exact in binary, so the turns below are too)
            o.PeerDatagramBurst = 1;
        });
        AdvanceToTick(f);
        var first = new List<SubmissionResult>();
        for (var i = 0; i < 3; i++)
        {
            first.Add(await f.SubmitAsync());
            scheduler.Schedule(first[^1]);
        }

        var sent = new List<int>();
        scheduler.RunRound(f.NowMs);
        sent.Add(f.Transport.Datagrams.Count);
        f.Advance(TimeSpan.FromMilliseconds(10));
        var later = await f.SubmitAsync();
        scheduler.Schedule(later);
        for (var ms = 10; ms <= 4 * TickMs; ms += 10)
        {
            scheduler.RunRound(f.NowMs);
            sent.Add(f.Transport.Datagrams.Count);
            f.Advance(TimeSpan.FromMilliseconds(10));
        }

        // After the burst a datagram at the first tick by which each token is earned (64, 128 and 192 ms, the later record's
        // counted after both put off before it): 100, 150 and 200 ms.
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4], sent);
        var order = f.Transport.Datagrams.SelectMany(d => d.Records).Select(r => r.Capability).ToList();
        Assert.Equal(later.Capabilities[0], order[^1]);
        Assert.Equal(first.Select(s => s.Capabilities[0]).ToHashSet(), order[..3].ToHashSet());
        Assert.Equal(3, scheduler.Counters.Paced);
    }

    /// <summary>Moves the clock to the start of the scheduler's next tick, so a test's rounds fall in known ticks.</summary>
    private static void AdvanceToTick(SchedulerFixture f) => f.Advance(TimeSpan.FromMilliseconds(TickMs - (f.NowMs % TickMs)));
}
