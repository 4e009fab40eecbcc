using System.Diagnostics.Metrics;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;

namespace Tern.Engine.Tests.Notify;

/// <summary>Round budget, asynchronous peer resolution, metrics and the backoff bounds of the scheduler.</summary>
public sealed class NotificationSchedulerRoundTests
{
    [Fact]
    public async Task A_round_handles_at_most_its_budget_and_the_rest_follows_next_round()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler(o => o.MaxRecordsPerRound = 2);
        for (var i = 0; i < 5; i++)
        {
            scheduler.Schedule(await f.SubmitAsync());
        }

        var perRound = new List<long>();
        var backlogged = new List<bool>();
        for (var round = 0; round < 4; round++)
        {
            var before = scheduler.Counters.RecordsSent;
            scheduler.RunRound(f.NowMs);
            perRound.Add(scheduler.Counters.RecordsSent - before);
            backlogged.Add(scheduler.Backlogged);
            f.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal([2, 2, 1, 0], perRound);
        Assert.Equal([true, true, false, false], backlogged); // a full round makes the loop start the next at once
        Assert.All(f.Transport.Datagrams.SelectMany(d => d.Records), r => Assert.Equal(1, r.Attempt));
    }

    [Fact]
    public async Task A_delivery_due_twice_in_one_round_is_sent_once()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var submission = await f.SubmitAsync(null, "b.example", "b.example", "c.example");
        scheduler.Schedule(submission);
        scheduler.Schedule(submission); // the same deliveries again, due at the same time

        scheduler.RunRound(f.NowMs);

        var records = f.Transport.Datagrams.SelectMany(d => d.Records).ToList();
        Assert.Equal(3, records.Count);
        Assert.Equal(submission.Capabilities.ToHashSet(), records.Select(r => r.Capability).ToHashSet());
        Assert.Equal(3, scheduler.Counters.RecordsSent);
    }

    [Fact]
    public async Task Datagrams_to_one_peer_are_paced_and_the_rest_follow_in_later_rounds()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler(o =>
        {
            o.MaxRecordsPerDatagram = 1;
            o.PeerDatagramsPerSecond = 20; // one datagram per 50 ms tick
            o.PeerDatagramBurst = 2;
        });
        for (var i = 0; i < 5; i++)
        {
            scheduler.Schedule(await f.SubmitAsync());
        }

        scheduler.Schedule(await f.SubmitAsync(null, "c.example"));
        var toB = new List<int>();
        for (var round = 0; round < 5; round++)
        {
            scheduler.RunRound(f.NowMs);
            toB.Add(f.Transport.Datagrams.Count(d => d.Destination.Equals(SchedulerFixture.BEndpoint)));
            f.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal([2, 3, 4, 5, 5], toB);
        Assert.Single(f.Transport.Datagrams, d => d.Destination.Equals(SchedulerFixture.CEndpoint)); // another peer, its own budget
        Assert.All(f.Transport.Datagrams.SelectMany(d => d.Records), r => Assert.Equal(1, r.Attempt));
        Assert.Equal(3, scheduler.Counters.Paced); // each put off once, to the round its turn comes
    }

    [Fact]
    public async Task Records_wait_for_a_resolver_that_answers_later()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var resolver = new DeferredResolver();
        using var scheduler = new NotificationScheduler(f.Store, f.A, resolver, f.Transport, new NotificationSchedulerOptions(), f.Clock);
        var submission = await f.SubmitAsync();
        scheduler.Schedule(submission);
        scheduler.RunRound(f.NowMs);
        scheduler.RunRound(f.NowMs);
        Assert.Empty(f.Transport.Datagrams);
        Assert.Equal(1, resolver.Calls);

        resolver.Answer.SetResult(new NotificationPeer("b.example", new Bytes32(f.B.AgreementPublicKey), SchedulerFixture.BEndpoint));
        // The continuation hands the answer to the loop's queue on the thread pool: rounds go on until it has.
        await Eventually.TrueAsync(() =>
        {
            scheduler.RunRound(f.NowMs);
            return f.Transport.Datagrams.Count > 0;
        });

        Assert.Equal([1], f.Transport.Notifications(submission.Capabilities[0]).Select(r => (int)r.Attempt));
        Assert.Equal(1, resolver.Calls);
    }

    [Fact]
    public async Task A_resolver_that_never_answers_does_not_hold_records_forever()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var resolver = new DeferredResolver();
        using var scheduler = new NotificationScheduler(f.Store, f.A, resolver, f.Transport, new NotificationSchedulerOptions { PeerRetryInterval = TimeSpan.FromSeconds(1) }, f.Clock);
        var submission = await f.SubmitAsync();
        scheduler.Schedule(submission);
        scheduler.RunRound(f.NowMs);
        Assert.Equal(0, scheduler.Counters.PeerFailures);

        f.Advance(TimeSpan.FromSeconds(1));
        scheduler.RunRound(f.NowMs);
        Assert.Equal(1, scheduler.Counters.PeerFailures);
        var delivery = f.Store.GetDelivery(submission.Capabilities[0])!.Value;
        Assert.Equal(0, delivery.Attempt);
        Assert.Equal(f.Clock.GetUtcNow() + TimeSpan.FromSeconds(1), delivery.NextAttemptAt);
        Assert.Empty(f.Transport.Datagrams);
    }

    [Fact]
    public async Task Counters_are_published_as_metrics()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var submission = await f.SubmitAsync();
        scheduler.Schedule(submission);
        scheduler.RunRound(f.NowMs);
        Assert.True(await f.Store.MarkFetchedAsync(submission.Capabilities[0]));
        f.Advance(TimeSpan.FromSeconds(2));
        scheduler.RunRound(f.NowMs);

        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Tern.Delivery" && ReferenceEquals(instrument.Meter.Scope, scheduler.Counters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var name = instrument.Name;
            foreach (var tag in tags)
            {
                name += "." + tag.Value;
            }

            seen[name] = Math.Max(seen.GetValueOrDefault(name), value);
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(1, seen["tern.delivery.datagrams_sent"]);
        Assert.Equal(1, seen["tern.delivery.records_sent"]);
        Assert.Equal(0, seen["tern.delivery.retransmissions"]);
        Assert.Equal(1, seen["tern.delivery.stopped.Fetched"]);
        Assert.Equal(0, seen["tern.delivery.stopped.Expired"]);
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(4, 400)]
    [InlineData(70, 400)]
    public void Shorter_backoff_bounds_keep_the_doubling_and_the_cap(int retransmission, long expectedMs)
    {
        Assert.Equal(expectedMs - 1, RetransmissionPolicy.IntervalMs(retransmission, 0.999_999_999, 100, 400));
        Assert.Equal(expectedMs / 2, RetransmissionPolicy.IntervalMs(retransmission, 0.0, 100, 400));
        Assert.Equal(RetransmissionPolicy.IntervalMs(retransmission, 0.3), RetransmissionPolicy.IntervalMs(retransmission, 0.3, 2_000, 3_600_000));
    }

    private sealed class DeferredResolver : INotificationPeerResolver
    {
        public TaskCompletionSource<NotificationPeer?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls { get; private set; }

        public ValueTask<NotificationPeer?> ResolveAsync(string domain, CancellationToken cancellationToken)
        {
            Calls++;
            return new ValueTask<NotificationPeer?>(Answer.Task);
        }
    }
}
