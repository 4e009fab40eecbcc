using Tern.Engine.Bulk;
using Tern.Engine.Custody;
using Tern.Engine.Transit;
using Tern.LinkEmulator;

namespace Tern.Bulk.Tests;

/// <summary>
/// Whole bulk sessions between two gateways over the emulated links of issue 17 (docs/PROTOCOL.md §17). In each:
/// transferred + declined + not accepted + cancelled equals what was offered, what was transferred is held at the
/// receiving gateway with the same payload hash, and the session ended within its bound (§17.6).
/// </summary>
public sealed class BulkSessionTests
{
    [Fact]
    public async Task Geo_link_carries_many_blobs_in_one_session_with_one_receipt()
    {
        await using var pair = await GatewayPair.StartAsync(LinkProfiles.Geo(seed: 17));
        var offered = await pair.SubmitAsync(count: 12, size: 200_000);

        var result = await pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], pair.Contact(LinkProfiles.Rate, LinkProfiles.GeoLightTime));

        Assert.Equal(BulkCancelReason.None, result.Cancelled);
        Assert.Equal(12, result.Count(BulkBlobOutcome.Transferred));
        pair.AssertAccounted(result, offered);
        Assert.Equal(12, pair.Committed.Count);
        Assert.Equal(1, pair.Receiver.Counters.SessionsCompleted);

        // 1 % loss forward: some datagrams were repaired, and the link dropped some of them.
        Assert.True(pair.Link.ToTarget.DroppedLoss > 0);
        Assert.True(result.Repairs > 0, "nothing was repaired");
        var receipt = BulkReceipt.TryParse(result.Receipt)!;
        Assert.Equal(12, receipt.AcceptedCount);
        Assert.Equal(pair.ReceiverKeys.Domain, receipt.GatewayDomain);
    }

    [Fact]
    public async Task Leo_link_with_bursts_and_a_blackout_carries_every_blob()
    {
        await using var pair = await GatewayPair.StartAsync(LinkProfiles.Leo(seed: 3));
        var offered = await pair.SubmitAsync(count: 12, size: 200_000);

        var result = await pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], pair.Contact(LinkProfiles.Rate, LinkProfiles.LeoLightTime));

        var figures = $"ended {result.Cancelled} after {result.Elapsed} (delivered {result.Delivered}), sent {result.DatagramsSent}, repairs {result.Repairs}, checkpoint retries {result.CheckpointRetries}, bytes back {result.BytesReceived}; forward {pair.Link.ToTarget}; back {pair.Link.FromTarget}";
        Assert.True(result.Cancelled == BulkCancelReason.None, figures);
        Assert.Equal(12, result.Count(BulkBlobOutcome.Transferred));
        pair.AssertAccounted(result, offered);

        // The session ran across at least one 50 ms blackout, and burst losses were repaired.
        Assert.True(pair.Link.ToTarget.DroppedBlackout > 0, "the session did not meet the blackout");
        Assert.True(pair.Link.ToTarget.DroppedLoss > 0);
        Assert.True(result.Repairs > 0, "nothing was repaired");
    }

    [Fact]
    public async Task Link_cut_mid_session_cancels_it_within_its_bound_and_a_later_session_carries_the_blobs()
    {
        await using var pair = await GatewayPair.StartAsync(LinkProfiles.Clean(TimeSpan.FromMilliseconds(100)), sender: o => { o.RetryLimit = 3; o.ReceiptWait = TimeSpan.FromSeconds(1); });
        var offered = await pair.SubmitAsync(count: 12, size: 400_000);
        var contact = pair.Contact(LinkProfiles.Rate, TimeSpan.FromMilliseconds(100));
        var receiver = pair.Link.Target;

        // Once the receiver holds the session, the link goes nowhere, both ways (4.8 MB take 2 s: well before the end).
        var session = pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], contact);
        await Eventually.AssertAsync(() => pair.Receiver.Sessions == 1);
        using var nowhere = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        nowhere.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        pair.Link.Target = (System.Net.IPEndPoint)nowhere.LocalEndPoint!;
        var result = await session;

        Assert.Equal(BulkCancelReason.RetryLimit, result.Cancelled);
        Assert.Equal(12, result.Count(BulkBlobOutcome.Cancelled));
        pair.AssertAccounted(result, offered);
        Assert.Empty(pair.Committed);

        // The receiver never heard the cancel: it forgets the session by the manifest's deadline plus the light time.
        await Eventually.AssertAsync(() => pair.Receiver.Sessions == 0, result.Bound + TimeSpan.FromSeconds(5));
        Assert.Equal(1, pair.Receiver.Counters.SessionsCancelled);

        // The blobs stayed Outstanding at the sender: once the link is back, a new session carries them.
        pair.Link.Target = receiver;
        var again = await pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], contact);
        Assert.Equal(12, again.Count(BulkBlobOutcome.Transferred));
        pair.AssertAccounted(again, offered);
    }

    [Fact]
    public async Task A_light_minute_link_on_a_60x_clock_carries_every_blob_within_its_bound()
    {
        // One minute of light time each way and 1 % loss, run 60 times faster than real time: a round trip is 2 real seconds.
        await using var pair = await GatewayPair.StartAsync(LinkProfiles.Deep(TimeSpan.FromMinutes(1), seed: 9), scale: 60);
        var offered = await pair.SubmitAsync(count: 4, size: 100_000);

        var result = await pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], pair.Contact(1_000_000, TimeSpan.FromMinutes(1)));

        Assert.Equal(BulkCancelReason.None, result.Cancelled);
        Assert.Equal(4, result.Count(BulkBlobOutcome.Transferred));
        pair.AssertAccounted(result, offered);

        // Two light times at least: the block there, the receipt back — the emulator held every datagram a scaled minute.
        Assert.True(result.Elapsed >= TimeSpan.FromMinutes(2), $"{result.Elapsed} is shorter than a round trip");
        Assert.True(pair.Link.ToTarget.DroppedLoss > 0);
    }

    [Fact]
    public async Task A_session_sends_nothing_after_its_contact_ends_and_is_cancelled_when_what_it_lost_cannot_be_repaired()
    {
        // The contact promises 20 Mbit/s, the link carries 5 behind a 200 kB queue: most of the 1.8 MB is lost, and the
        // contact ends at 1.2 s, before the repairs could go. The session waits a round and the receipt wait for answers.
        var way = new DirectionProfile { Delay = TimeSpan.FromMilliseconds(20), RateBitsPerSecond = 5_000_000, QueueLimitBytes = 200_000 };
        await using var pair = await GatewayPair.StartAsync(new LinkProfile { ToTarget = way, FromTarget = way });
        var offered = await pair.SubmitAsync(count: 6, size: 300_000);
        var contact = pair.Contact(LinkProfiles.Rate, TimeSpan.FromMilliseconds(20)) with { End = pair.Clock.GetUtcNow() + TimeSpan.FromSeconds(1.2) };

        var result = await pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], contact);

        Assert.Equal(BulkCancelReason.Deadline, result.Cancelled);
        Assert.Equal(6, result.Count(BulkBlobOutcome.Cancelled));
        pair.AssertAccounted(result, offered);

        // Nothing more goes on the link once the contact is over.
        var sent = pair.Link.ToTarget.PacketsIn;
        await Task.Delay(300);
        Assert.Equal(sent, pair.Link.ToTarget.PacketsIn);
    }

    [Fact]
    public async Task Lost_final_reports_and_receipt_are_recovered_by_the_senders_checkpoint_timer()
    {
        // The receiver's first two complete reports and its first receipt are lost (ION #14, HDTN #19).
        var completes = 0;
        var receipts = 0;
        DroppingSink? sink = null;
        await using var pair = await GatewayPair.StartAsync(
            LinkProfiles.Clean(TimeSpan.FromMilliseconds(50)),
            wrapReceiverSink: inner => sink = new DroppingSink(inner, (type, flags) =>
                (type == BulkDatagramType.Report && (flags & BulkDatagram.CompleteFlag) != 0 && Interlocked.Increment(ref completes) <= 2)
                || (type == BulkDatagramType.Receipt && Interlocked.Increment(ref receipts) == 1)));
        var offered = await pair.SubmitAsync(count: 4, size: 100_000);

        var result = await pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], pair.Contact(LinkProfiles.Rate, TimeSpan.FromMilliseconds(50)));

        Assert.Equal(BulkCancelReason.None, result.Cancelled);
        Assert.Equal(4, result.Count(BulkBlobOutcome.Transferred));
        pair.AssertAccounted(result, offered);
        Assert.True(sink!.Dropped >= 2, $"only {sink.Dropped} answers were lost");
        Assert.True(result.CheckpointRetries >= 1, "the last checkpoint was never sent again");
    }

    [Fact]
    public async Task Sessions_to_a_receiver_that_refuses_end_cancelled_with_the_blobs_kept()
    {
        // gb.example takes sessions only from another gateway.
        await using var pair = await GatewayPair.StartAsync(LinkProfiles.Clean(TimeSpan.FromMilliseconds(20)), receiver: o => { o.Senders.Clear(); o.Senders.Add("other.example"); });
        var offered = await pair.SubmitAsync(count: 3, size: 50_000);

        var result = await pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], pair.Contact(LinkProfiles.Rate, TimeSpan.FromMilliseconds(20)));

        Assert.Equal(BulkCancelReason.Refused, result.Cancelled);
        Assert.Equal(3, result.Count(BulkBlobOutcome.Cancelled));
        pair.AssertAccounted(result, offered);
        Assert.Equal(1, pair.Receiver.Counters.SessionsRefused);
    }

    [Fact]
    public async Task A_manifest_not_signed_by_the_senders_descriptor_key_is_refused_before_the_block_is_in()
    {
        await using var pair = await GatewayPair.StartAsync(LinkProfiles.Clean(TimeSpan.FromMilliseconds(20)), impostor: true);
        var offered = await pair.SubmitAsync(count: 12, size: 400_000);

        // 4.8 MB take 2 s; the manifest is checked as soon as it is in, and the next checkpoint is answered with a cancel.
        var result = await pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], pair.Contact(LinkProfiles.Rate, TimeSpan.FromMilliseconds(20)));

        Assert.Equal(BulkCancelReason.Refused, result.Cancelled);
        Assert.Null(result.Delivered);
        Assert.Equal(12, result.Count(BulkBlobOutcome.Cancelled));
        pair.AssertAccounted(result, offered);
        Assert.Empty(pair.Committed);
        Assert.Equal(1, pair.Receiver.Counters.SessionsRefused);
    }

    [Fact]
    public async Task Earliest_arrival_check_declines_what_cannot_arrive_before_its_expiry()
    {
        await using var pair = await GatewayPair.StartAsync(LinkProfiles.Clean(TimeSpan.FromMilliseconds(20)), sender: o => o.MinRemaining = TimeSpan.FromSeconds(10));
        var soon = (await pair.SubmitAsync(count: 1, size: 10_000, expiry: TimeSpan.FromSeconds(8), seed: 2))[0];
        var large = (await pair.SubmitAsync(count: 1, size: 400_000, expiry: TimeSpan.FromMinutes(5), seed: 3))[0];
        var fine = (await pair.SubmitAsync(count: 1, size: 10_000, seed: 4))[0];
        var fast = pair.Contact(LinkProfiles.Rate, TimeSpan.FromMilliseconds(20));

        // Rate: 400 kB at 8 kbit/s takes 400 s, past its 5 minutes.
        var slow = await pair.Sender.EnqueueAsync([large.Blob], fast with { RateBitsPerSecond = 8_000 });
        Assert.Equal(new[] { BulkBlobOutcome.Declined }, slow.Outcomes);

        // Light time: two hours one way, past the hour the blob has.
        var far = await pair.Sender.EnqueueAsync([fine.Blob], fast with { OneWayLightTime = TimeSpan.FromHours(2) });
        Assert.Equal(new[] { BulkBlobOutcome.Declined }, far.Outcomes);

        // The contact's end: nothing arrives before a contact that is over.
        var over = await pair.Sender.EnqueueAsync([fine.Blob, large.Blob], fast with { End = pair.Clock.GetUtcNow() });
        Assert.Equal(new[] { BulkBlobOutcome.Declined, BulkBlobOutcome.Declined }, over.Outcomes);
        Assert.Equal(0, pair.Sender.Counters.SessionsCompleted + pair.Sender.Counters.SessionsCancelled);

        // Expiry: 8 s left is under the 10 s a blob must arrive with; the others go.
        var result = await pair.Sender.EnqueueAsync([soon.Blob, fine.Blob, large.Blob], fast);
        Assert.Equal(new[] { BulkBlobOutcome.Declined, BulkBlobOutcome.Transferred, BulkBlobOutcome.Transferred }, result.Outcomes);
        pair.AssertAccounted(result, [soon, fine, large]);
    }

    [Fact]
    public async Task A_transferred_blob_is_not_carried_again()
    {
        await using var pair = await GatewayPair.StartAsync(LinkProfiles.Clean(TimeSpan.FromMilliseconds(20)));
        var offered = await pair.SubmitAsync(count: 2, size: 30_000);
        var contact = pair.Contact(LinkProfiles.Rate, TimeSpan.FromMilliseconds(20));
        var first = await pair.Sender.EnqueueAsync([offered[0].Blob], contact);
        Assert.Equal(new[] { BulkBlobOutcome.Transferred }, first.Outcomes);

        // Its deliveries are Transferred now: it has nothing Outstanding to carry, and the other blob goes alone.
        var second = await pair.Sender.EnqueueAsync([offered[0].Blob, offered[1].Blob], contact);
        Assert.Equal(new[] { BulkBlobOutcome.Declined, BulkBlobOutcome.Transferred }, second.Outcomes);
        Assert.Equal(2, pair.ReceiverStore.IndexCounts.Blobs);
        Assert.NotNull(pair.ReceiverStore.FindMessage(CustodyKeys.LocalId(offered[1].Blob.MessageId, GatewayPair.RecipientDomain)));
        Assert.Equal(DeliveryState.Transferred, pair.SenderStore.FindMessage(offered[1].Blob.MessageId)!.Deliveries[0].State);
    }
}
