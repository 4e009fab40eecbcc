using Tern.Engine.Contacts;
using Tern.Engine.Protocol;
using Tern.LinkEmulator;

namespace Tern.Bulk.Tests.Relay;

/// <summary>
/// A session's receipt that comes after the session's deadline (docs/PROTOCOL.md §17.6, a late receipt) through the bulk
/// relay as a gateway composes it, on the link emulator's scaled clock: a blob whose bytes are at the peer is not carried
/// again while its receipt may still come, and a late receipt for blobs already carried again transfers them once. The
/// receipt is late because gb.example's answers hold it (<see cref="HeldAnswers"/>) until the sender has given up, not
/// because a delay is hoped to outlast the session.
/// </summary>
public sealed class LateReceiptRelayTests
{
    private const long Rate = 2_000_000;

    [Fact]
    public async Task A_window_that_closes_while_the_receipt_is_on_its_way_carries_each_blob_once()
    {
        // 1 s each way; windows of 10 s every 15 s from 10 s after the blobs are held. The block is whole at 12 s and
        // reported so, the window closes at 20 s, and the session's deadline is 20 s + a round (3 s) + the receipt wait (10 s)
        // = 33 s. gb.example's receipt waits until then (as a slow commit would), so it arrives after the session timed out
        // and before 45 s, when the late receipt is no longer taken, however the test machine keeps time.
        var light = TimeSpan.FromSeconds(1);
        var way = new DirectionProfile { Delay = light, RateBitsPerSecond = Rate, QueueLimitBytes = 1 << 20 };
        var clock = new ScaledTimeProvider(3);
        HeldAnswers answers = null!;
        await using var world = await RelayWorld.StartAsync(
            clock,
            new LinkProfile { ToTarget = way, FromTarget = way },
            start => Plan(start + TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), 6, light),
            sender: s => s.ReceiptWait = TimeSpan.FromSeconds(10),
            receiverSink: sink => answers = new HeldAnswers(sink));

        // Ten that can cross, two that cannot arrive with the sender's minute to spare: never sent, they expire here at 30 s.
        var injected = new List<(MessageId Id, Bytes32 Hash, bool CanArrive)>();
        for (var i = 0; i < 12; i++)
        {
            var canArrive = i < 10;
            var (id, hash, _) = await world.InjectAsync(20_000, canArrive ? TimeSpan.FromHours(1) : TimeSpan.FromSeconds(30), seed: 300 + i);
            injected.Add((id, hash, canArrive));
        }

        var start = world.BeginPlan();

        // The session timed out with gb.example's receipt held back: the receipt to come is late by construction.
        Assert.True(await Eventually.TrueAsync(() => world.BulkSender.Counters.SessionsCancelled == 1, TimeSpan.FromSeconds(60)));
        Assert.True(answers.ReceiptsHeld(1) > 0);
        Assert.Equal(0, world.BulkSender.Counters.SessionsCompleted);
        answers.Release(1);

        // Past 45 s, when the late receipt is no longer taken and blobs still held would go in the window open then.
        Assert.True(await Eventually.TrueAsync(() => clock.GetUtcNow() - start > TimeSpan.FromSeconds(52), TimeSpan.FromSeconds(60)));
        Assert.True(await Eventually.TrueAsync(() => injected.All(b => world.Fate(b.Id, b.Hash) is "transferred" or "expired") && world.Relay.Counters.Transferred >= 10, TimeSpan.FromSeconds(30)));

        var fates = injected.Select(b => (b, Fate: world.Fate(b.Id, b.Hash))).ToList();
        Assert.Equal(injected.Count, fates.Count(f => f.Fate == "transferred") + fates.Count(f => f.Fate == "expired"));
        Assert.All(fates, f => Assert.Equal(f.b.CanArrive ? "transferred" : "expired", f.Fate));
        Assert.All(world.Expired, e => Assert.Equal(1, e.Value));

        // One session timed out after the block was reported whole; its late receipt transferred the ten; nothing went
        // again, so gb.example committed one block: each blob's bytes crossed once.
        var counts = $"sessions {world.Relay.Counters.Sessions}, again {world.Relay.Counters.CarriedAgain}, awaiting {world.Relay.Counters.AwaitingReceipt}, transferred {world.Relay.Counters.Transferred}, late {world.BulkSender.Counters.LateReceipts}, cancelled {world.BulkSender.Counters.SessionsCancelled}, committed {world.BulkReceiver.Counters.SessionsCompleted}";
        Assert.True(world.Relay.Counters.Sessions == 1, counts);
        Assert.True(world.Relay.Counters.CarriedAgain == 0, counts);
        Assert.True(world.Relay.Counters.AwaitingReceipt == 10, counts);
        Assert.True(world.Relay.Counters.Transferred == 10, counts);
        Assert.True(world.BulkSender.Counters.LateReceipts == 1, counts);
        Assert.True(world.BulkSender.Counters.SessionsCancelled == 1, counts);
        Assert.True(world.BulkReceiver.Counters.SessionsCompleted == 1, counts);
        Assert.Equal(0, world.Relay.HeldCount);
        Assert.Equal(0, world.Link.ToTarget.DroppedWindow);

        // The session's datagrams count against the contact's link use (the admin's planned against actual).
        Assert.True(world.Contacts.LinkUse.SentToday("ga-gb", (start + TimeSpan.FromSeconds(15)).ToUnixTimeMilliseconds()) >= 10 * 20_000);
    }

    [Fact]
    public async Task A_late_receipt_for_blobs_already_carried_again_transfers_them_once()
    {
        // 5 s each way; windows of 10 s every 18 s from 10 s after the blobs are held. gb.example's reports of the first
        // session are lost, so the sender never hears that the block is whole: the session ends at its deadline, 20 s + a
        // round (11 s) + the receipt wait (10 s) = 41 s, and the next window (46 s) carries the blobs again. gb.example's
        // receipt of the first session waits until that second session runs (as a slow commit would); it arrives 5 s later,
        // before 61 s when it is no longer taken, and the second session's receipt waits until it has been taken, so it
        // finds them transferred. Each condition is a gate the test opens, not a span it hopes is long enough.
        var light = TimeSpan.FromSeconds(5);
        var way = new DirectionProfile { Delay = light, RateBitsPerSecond = Rate, QueueLimitBytes = 1 << 20 };
        var clock = new ScaledTimeProvider(2);
        HeldAnswers answers = null!;
        await using var world = await RelayWorld.StartAsync(
            clock,
            new LinkProfile { ToTarget = way, FromTarget = way },
            start => Plan(start + TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(18), 8, light),
            sender: s => s.ReceiptWait = TimeSpan.FromSeconds(10),
            receiverSink: sink => answers = new HeldAnswers(sink) { LoseReports = [1] });

        var injected = new List<(MessageId Id, Bytes32 Hash, bool CanArrive)>();
        for (var i = 0; i < 10; i++)
        {
            var (id, hash, _) = await world.InjectAsync(20_000, TimeSpan.FromHours(1), seed: 400 + i);
            injected.Add((id, hash, true));
        }

        world.BeginPlan();

        // The first session timed out unanswered, and a second one has taken the blobs again; gb.example holds the first
        // one's receipt, which comes now, late.
        Assert.True(await Eventually.TrueAsync(() => world.BulkSender.Counters.SessionsCancelled == 1 && world.BulkSender.RunningSessions == 1, TimeSpan.FromSeconds(90)));
        Assert.True(answers.ReceiptsHeld(1) > 0);
        Assert.True(answers.ReportsLost > 0);
        answers.Release(1);

        // Taken while the second session runs; then the second session's receipt goes.
        Assert.True(await Eventually.TrueAsync(() => world.BulkSender.Counters.LateReceipts == 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, world.BulkSender.Counters.SessionsCompleted);
        answers.Release(2);

        Assert.True(await Eventually.TrueAsync(() => world.BulkSender.Counters.SessionsCompleted == 1, TimeSpan.FromSeconds(60)));
        Assert.True(await Eventually.TrueAsync(() => injected.All(b => world.Fate(b.Id, b.Hash) == "transferred") && world.Relay.Counters.Transferred >= 10, TimeSpan.FromSeconds(10)));

        // Carried twice (the sender could not know the first block had arrived), transferred once: by the first session's
        // late receipt; the second session's receipt moved nothing more and nothing is counted twice.
        var counts = $"sessions {world.Relay.Counters.Sessions}, again {world.Relay.Counters.CarriedAgain}, awaiting {world.Relay.Counters.AwaitingReceipt}, transferred {world.Relay.Counters.Transferred}, late {world.BulkSender.Counters.LateReceipts}, cancelled {world.BulkSender.Counters.SessionsCancelled}, completed {world.BulkSender.Counters.SessionsCompleted}";
        Assert.True(world.Relay.Counters.Sessions == 2, counts);
        Assert.True(world.Relay.Counters.CarriedAgain == 10, counts);
        Assert.True(world.Relay.Counters.AwaitingReceipt == 0, counts);
        Assert.True(world.BulkSender.Counters.SessionsCancelled == 1, counts);
        Assert.True(world.BulkSender.Counters.LateReceipts == 1, counts);
        Assert.True(world.Relay.Counters.Transferred == 10, counts);
        Assert.Equal(0, world.BulkSender.Counters.ReceiptsRejected);
        Assert.Equal(0, world.Relay.HeldCount);
        Assert.Equal(0, world.Link.ToTarget.DroppedWindow);
    }

    private static ContactDefinition Plan(DateTimeOffset start, TimeSpan on, TimeSpan period, long cycles, TimeSpan light) =>
        new("ga-gb", RelayWorld.Sender, RelayWorld.Receiver, start.ToUnixTimeMilliseconds(), (start + on).ToUnixTimeMilliseconds(), Rate, (long)light.TotalMilliseconds, (long)period.TotalMilliseconds, cycles);
}
