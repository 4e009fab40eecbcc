using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Notify;

/// <summary>The notification scheduler over a real transit store, driven round by round on a hand-moved clock.</summary>
public sealed class NotificationSchedulerTests
{
    [Fact]
    public async Task First_notification_goes_out_at_once_then_backs_off_with_jitter()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var submission = await f.SubmitAsync();
        var capability = submission.Capabilities[0];
        scheduler.Schedule(submission);

        scheduler.RunRound(f.NowMs);
        Assert.Equal([1], f.Transport.Notifications(capability).Select(r => (int)r.Attempt));
        var delivery = f.Store.GetDelivery(capability)!.Value;
        Assert.Equal(1, delivery.Attempt);
        var wait = delivery.NextAttemptAt - f.Clock.GetUtcNow();
        Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        // Nothing before the jittered interval; the second attempt at it.
        f.Advance(TimeSpan.FromMilliseconds(990));
        scheduler.RunRound(f.NowMs);
        Assert.Single(f.Transport.Notifications(capability));
        f.Advance(wait - TimeSpan.FromMilliseconds(990));
        scheduler.RunRound(f.NowMs);
        Assert.Equal([1, 2], f.Transport.Notifications(capability).Select(r => (int)r.Attempt));

        // Retransmission n waits between half and all of min(2 s × 2^(n−1), max).
        for (var n = 2; n <= 6; n++)
        {
            delivery = f.Store.GetDelivery(capability)!.Value;
            var interval = delivery.NextAttemptAt - f.Clock.GetUtcNow();
            var baseInterval = TimeSpan.FromSeconds(2 << (n - 1));
            Assert.InRange(interval, baseInterval / 2, baseInterval);
            f.Advance(interval);
            scheduler.RunRound(f.NowMs);
        }

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], f.Transport.Notifications(capability).Select(r => (int)r.Attempt));
        Assert.Equal(7, scheduler.Counters.RecordsSent);
        Assert.Equal(6, scheduler.Counters.Retransmissions);
    }

    [Fact]
    public async Task The_interval_never_exceeds_the_configured_maximum()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler(o => o.MaxRetransmitInterval = TimeSpan.FromSeconds(10));
        var submission = await f.SubmitAsync();
        scheduler.Schedule(submission);
        for (var i = 0; i < 12; i++)
        {
            scheduler.RunRound(f.NowMs);
            var interval = f.Store.GetDelivery(submission.Capabilities[0])!.Value.NextAttemptAt - f.Clock.GetUtcNow();
            Assert.InRange(interval, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
            f.Advance(interval);
        }

        Assert.Equal(12, f.Transport.Notifications(submission.Capabilities[0]).Count());
    }

    [Fact]
    public async Task Retransmission_stops_on_fetch_retraction_transfer_and_expiry()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var fetched = await f.SubmitAsync();
        var retracted = await f.SubmitAsync();
        var transferred = await f.SubmitAsync();
        var expiring = await f.SubmitAsync(TimeSpan.FromSeconds(20));
        var live = await f.SubmitAsync();
        foreach (var s in new[] { fetched, retracted, transferred, expiring, live })
        {
            scheduler.Schedule(s);
        }

        scheduler.RunRound(f.NowMs);
        Assert.True(await f.Store.MarkFetchedAsync(fetched.Capabilities[0]));
        Assert.Single((await f.Store.RetractAsync(retracted.MessageId, "alice")).Retracted);
        Assert.Equal(1, await f.Store.MarkTransferredAsync(transferred.MessageId, "b.example"));

        for (var i = 0; i < 12; i++)
        {
            f.Advance(TimeSpan.FromSeconds(5));
            scheduler.RunRound(f.NowMs);
        }

        Assert.Single(f.Transport.Notifications(fetched.Capabilities[0]));
        Assert.Single(f.Transport.Notifications(retracted.Capabilities[0]));
        Assert.Single(f.Transport.Notifications(transferred.Capabilities[0]));
        Assert.InRange(f.Transport.Notifications(expiring.Capabilities[0]).Count(), 2, 5);
        Assert.True(f.Transport.Notifications(live.Capabilities[0]).Count() >= 3);
        Assert.All(f.Transport.Datagrams, d => Assert.True(d.SentAtMs < expiring.TransitExpiry.ToUnixTimeMilliseconds() || d.Records.All(r => r.Capability != expiring.Capabilities[0])));
        Assert.Equal(1, scheduler.Counters.Stopped(StopReason.Fetched));
        Assert.Equal(1, scheduler.Counters.Stopped(StopReason.Retracted));
        Assert.Equal(1, scheduler.Counters.Stopped(StopReason.Transferred));
        Assert.Equal(1, scheduler.Counters.Stopped(StopReason.Expired));
    }

    [Fact]
    public async Task Records_for_one_peer_share_datagrams_up_to_the_size_limit_and_a_round_is_one_batch()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var toB = new List<FetchCapability>();
        for (var i = 0; i < 40; i++)
        {
            var s = await f.SubmitAsync();
            scheduler.Schedule(s);
            toB.Add(s.Capabilities[0]);
        }

        var both = await f.SubmitAsync(null, "b.example", "c.example", "c.example");
        scheduler.Schedule(both);
        scheduler.RunRound(f.NowMs);

        Assert.Equal(1, f.Transport.Flushes);
        var datagramsToB = f.Transport.Datagrams.Where(d => d.Destination.Equals(SchedulerFixture.BEndpoint)).ToList();
        var datagramsToC = f.Transport.Datagrams.Where(d => d.Destination.Equals(SchedulerFixture.CEndpoint)).ToList();
        Assert.Equal(41, datagramsToB.Sum(d => d.Records.Count));
        Assert.Single(datagramsToC);
        Assert.Equal(2, datagramsToC[0].Records.Count);

        // Every datagram but the last for a peer is full: one more record would not have fitted.
        var recordSize = 2 + 115 + 1 + "a.example".Length + 1 + "message/tern".Length + 1 + 1 + "https://node.a.example:7443".Length;
        var perDatagram = (NotificationLimits.MaxBodySize - NotificationLimits.BodyHeaderSize) / recordSize;
        Assert.Equal((int)Math.Ceiling(41.0 / perDatagram), datagramsToB.Count);
        Assert.All(datagramsToB.SkipLast(1), d => Assert.Equal(perDatagram, d.Records.Count));
        Assert.All(f.Transport.Datagrams, d => Assert.True(d.Length <= NotificationLimits.MaxDatagramSize));
        Assert.All(toB, c => Assert.Single(f.Transport.Notifications(c)));
        Assert.Equal(datagramsToB.Count + 1, scheduler.Counters.DatagramsSent);
        Assert.Equal(43, scheduler.Counters.RecordsSent);
    }

    [Fact]
    public async Task Submissions_scheduled_together_are_each_notified_once_in_shared_datagrams()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var submissions = new List<SubmissionResult>();
        for (var i = 0; i < 4; i++)
        {
            submissions.Add(await f.SubmitAsync());
        }

        // Five records for b.example fit one datagram (the test above: a record of this fixture is 169 bytes).
        submissions.Add(await f.SubmitAsync(null, "b.example", "c.example"));
        scheduler.Schedule(submissions);
        scheduler.Schedule(Array.Empty<SubmissionResult>());
        scheduler.RunRound(f.NowMs);

        Assert.All(submissions.SelectMany(s => s.Capabilities), c => Assert.Equal([1], f.Transport.Notifications(c).Select(r => (int)r.Attempt)));
        Assert.Equal(6, scheduler.Counters.RecordsSent);
        Assert.Single(f.Transport.Datagrams, d => d.Destination.Equals(SchedulerFixture.BEndpoint));
        Assert.Single(f.Transport.Datagrams, d => d.Destination.Equals(SchedulerFixture.CEndpoint));
        Assert.Equal(1, f.Store.GetDelivery(submissions[^1].Capabilities[1])!.Value.Attempt);
    }

    [Fact]
    public async Task A_record_cap_below_32_cuts_datagrams_shorter()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler(o => o.MaxRecordsPerDatagram = 2);
        for (var i = 0; i < 5; i++)
        {
            scheduler.Schedule(await f.SubmitAsync());
        }

        scheduler.RunRound(f.NowMs);
        Assert.Equal([2, 2, 1], f.Transport.Datagrams.Select(d => d.Records.Count));
    }

    [Fact]
    public async Task A_restarted_store_and_scheduler_continue_the_attempt_numbers()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var submission = await f.SubmitAsync();
        var capability = submission.Capabilities[0];
        DateTimeOffset nextAttempt;
        using (var scheduler = f.Scheduler())
        {
            await scheduler.LoadAsync();
            for (var i = 0; i < 3; i++)
            {
                f.Advance(f.Store.GetDelivery(capability)!.Value.NextAttemptAt - f.Clock.GetUtcNow());
                scheduler.RunRound(f.NowMs);
            }

            nextAttempt = f.Store.GetDelivery(capability)!.Value.NextAttemptAt;
            Assert.Equal([1, 2, 3], f.Transport.Notifications(capability).Select(r => (int)r.Attempt));
        }

        await f.ReopenStoreAsync();
        var restored = f.Store.GetDelivery(capability)!.Value;
        Assert.Equal(3, restored.Attempt);
        Assert.Equal(nextAttempt, restored.NextAttemptAt);

        using var restarted = f.Scheduler();
        Assert.Equal(1, await restarted.LoadAsync());
        restarted.RunRound(f.NowMs);
        Assert.Equal(3, f.Transport.Notifications(capability).Count());
        f.Advance(nextAttempt - f.Clock.GetUtcNow());
        restarted.RunRound(f.NowMs);
        Assert.Equal([1, 2, 3, 4], f.Transport.Notifications(capability).Select(r => (int)r.Attempt));
        Assert.Equal(4, f.Store.GetDelivery(capability)!.Value.Attempt);
    }

    [Fact]
    public async Task Scheduling_a_delivery_twice_sends_it_once()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var submission = await f.SubmitAsync();
        scheduler.Schedule(submission);
        await scheduler.LoadAsync();
        scheduler.RunRound(f.NowMs);
        scheduler.Schedule(submission.Capabilities[0]);
        scheduler.RunRound(f.NowMs);
        f.Advance(TimeSpan.FromSeconds(2));
        scheduler.RunRound(f.NowMs);

        Assert.Equal([1, 2], f.Transport.Notifications(submission.Capabilities[0]).Select(r => (int)r.Attempt));
    }

    [Fact]
    public async Task Retraction_notices_go_to_the_affected_peers_a_bounded_number_of_times()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var submission = await f.SubmitAsync(null, "b.example", "c.example");
        scheduler.Schedule(submission);
        scheduler.RunRound(f.NowMs);
        var toB = submission.Capabilities[0];
        var toC = submission.Capabilities[1];
        Assert.True(await f.Store.MarkFetchedAsync(toC));

        var retraction = await f.Store.RetractAsync(submission.MessageId, "alice");
        scheduler.ScheduleRetraction(retraction);
        scheduler.RunRound(f.NowMs);
        var first = f.Transport.Datagrams.Where(d => d.Type == DatagramType.Retraction).ToList();
        Assert.Equal(2, first.Count);
        Assert.False(Assert.Single(first.Single(d => d.Destination.Equals(SchedulerFixture.BEndpoint)).Records).AfterFetch);
        Assert.True(Assert.Single(first.Single(d => d.Destination.Equals(SchedulerFixture.CEndpoint)).Records).AfterFetch);

        for (var i = 0; i < 30; i++)
        {
            f.Advance(TimeSpan.FromHours(1));
            scheduler.RunRound(f.NowMs);
        }

        // Sent once, then retransmitted 8 times (docs/PROTOCOL.md §11); the retracted delivery is never notified again.
        Assert.Equal(9, f.Transport.Retractions(toB).Count());
        Assert.Equal(9, f.Transport.Retractions(toC).Count());
        Assert.Single(f.Transport.Notifications(toB));
        Assert.Equal(2, scheduler.Counters.RetractionNoticesCompleted);
        Assert.Equal(18, scheduler.Counters.RetractionRecordsSent);
        Assert.Equal(1, scheduler.Counters.Stopped(StopReason.Retracted));
    }

    [Fact]
    public async Task An_unresolved_peer_postpones_its_records_without_counting_an_attempt()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler(o => o.PeerRetryInterval = TimeSpan.FromSeconds(30));
        var submission = await f.SubmitAsync(null, "d.example");
        var capability = submission.Capabilities[0];
        scheduler.Schedule(submission);
        scheduler.RunRound(f.NowMs);

        Assert.Empty(f.Transport.Datagrams);
        Assert.Equal(1, scheduler.Counters.PeerFailures);
        var delivery = f.Store.GetDelivery(capability)!.Value;
        Assert.Equal(0, delivery.Attempt);
        Assert.Equal(f.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), delivery.NextAttemptAt);

        using var d = Tern.Engine.Keys.DomainKeySet.Generate("d.example");
        var endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 7403);
        f.Transport.AddReceiver(endpoint, d);
        f.Resolver.Set(new NotificationPeer("d.example", new Bytes32(d.AgreementPublicKey), endpoint));
        f.Advance(TimeSpan.FromSeconds(30));
        scheduler.RunRound(f.NowMs);
        Assert.Equal([1], f.Transport.Notifications(capability).Select(r => (int)r.Attempt));
    }

    [Fact]
    public async Task Bad_options_are_refused_with_the_option_named()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var e = Assert.Throws<ArgumentException>(() => f.Scheduler(o => o.MaxRetransmitInterval = TimeSpan.FromHours(2)));
        Assert.Contains("MaxRetransmitInterval", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => f.Scheduler(o => o.RetractionRetransmissions = 9));
        Assert.Contains("RetractionRetransmissions", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => f.Scheduler(o => o.FetchHints = ["https://a", "https://b", "https://c", "https://d", "https://e"]));
        Assert.Contains("FetchHints", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_capability_is_stopped_and_never_sent()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        scheduler.Schedule(FetchCapability.NewRandom());
        scheduler.RunRound(f.NowMs);

        Assert.Empty(f.Transport.Datagrams);
        Assert.Equal(1, scheduler.Counters.Stopped(StopReason.Unknown));
    }

    [Fact]
    public async Task A_mime_hint_too_long_for_the_wire_is_sent_empty()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler();
        var longHint = new SubmissionRequest
        {
            Account = "alice",
            Recipients = Transit.TransitTestStores.Recipients("b.example"),
            TransitExpiry = f.Clock.GetUtcNow().AddDays(1),
            MimeHint = "application/" + new string('x', 150),
        };
        var a = await f.Store.SubmitAsync(longHint, new MemoryStream(new byte[10]));
        var c = await f.SubmitAsync();
        scheduler.Schedule(a);
        scheduler.Schedule(c);
        scheduler.RunRound(f.NowMs);

        Assert.Equal("", Assert.Single(f.Transport.Notifications(a.Capabilities[0])).MimeHint);
        Assert.Equal("message/tern", Assert.Single(f.Transport.Notifications(c.Capabilities[0])).MimeHint);
    }

    [Theory]
    [InlineData("text/plain; name=\"café\"")]
    [InlineData("text/plain\r\nX-Injected: 1")]
    public async Task A_mime_hint_that_is_not_printable_ascii_is_refused_at_submission(string hint)
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var request = new SubmissionRequest
        {
            Account = "alice",
            Recipients = Transit.TransitTestStores.Recipients("b.example"),
            TransitExpiry = f.Clock.GetUtcNow().AddDays(1),
            MimeHint = hint,
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => f.Store.SubmitAsync(request, new MemoryStream(new byte[10])));
        Assert.Contains("MimeHint", error.Message, StringComparison.Ordinal);
    }
}
