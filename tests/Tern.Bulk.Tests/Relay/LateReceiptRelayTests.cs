using Tern.Engine.Contacts;
using Tern.Engine.Protocol;
using Tern.LinkEmulator;

namespace Tern.Bulk.Tests.Relay;

/// <summary>
/// A session's receipt that comes after the session's deadline (docs/PROTOCOL.md §17.6, a late receipt) through the bulk
/// relay as a gateway composes it, on the link emulator's scaled clock: a blob whose bytes are at the peer is not carried
/// again while its receipt may still come, and a late receipt for blobs already carried again transfers them once.
/// </summary>
public sealed class LateReceiptRelayTests
{
    private const long Rate = 2_000_000;

    [Fact]
    public async Task A_window_that_closes_while_the_receipt_is_on_its_way_carries_each_blob_once()
    {
        // 1 s each way; windows of 10 s every 15 s from 10 s. gb.example's first commit waits 25 s (its descriptor look-up):
        // the block is whole at 12 s and reported so, the window closes at 20 s, the session's deadline is 20 s + a round
        // (3 s) + the receipt wait (10 s) = 33 s, and the receipt arrives near 38 s, while later windows open.
        var light = TimeSpan.FromSeconds(1);
        var way = new DirectionProfile { Delay = light, RateBitsPerSecond = Rate, QueueLimitBytes = 1 << 20 };
        var clock = new ScaledTimeProvider(5);
        await using var world = await RelayWorld.StartAsync(
            clock,
            new LinkProfile { ToTarget = way, FromTarget = way },
            start => Plan(start + TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), 6, light),
            sender: s => s.ReceiptWait = TimeSpan.FromSeconds(10),
            receiverDescriptors: d => new SlowCommitDescriptors(d, clock, TimeSpan.FromSeconds(25), until: TimeSpan.FromSeconds(20)));

        // Ten that can cross, two that cannot arrive with the sender's minute to spare: never sent, they expire here at 30 s.
        var injected = new List<(MessageId Id, Bytes32 Hash, bool CanArrive)>();
        for (var i = 0; i < 12; i++)
        {
            var canArrive = i < 10;
            var (id, hash, _) = await world.InjectAsync(20_000, canArrive ? TimeSpan.FromHours(1) : TimeSpan.FromSeconds(30), seed: 300 + i);
            injected.Add((id, hash, canArrive));
        }

        // Past 45 s, when the late receipt is no longer taken and blobs still held would go in the window open then.
        Assert.True(await Eventually.TrueAsync(() => clock.GetUtcNow() - clock.Start > TimeSpan.FromSeconds(52), TimeSpan.FromSeconds(60)));
        Assert.True(await Eventually.TrueAsync(() => injected.All(b => world.Fate(b.Id, b.Hash) is "transferred" or "expired"), TimeSpan.FromSeconds(30)));

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
        Assert.True(world.Contacts.LinkUse.SentToday("ga-gb", (clock.Start + TimeSpan.FromSeconds(15)).ToUnixTimeMilliseconds()) >= 10 * 20_000);
    }

    [Fact]
    public async Task A_late_receipt_for_blobs_already_carried_again_transfers_them_once()
    {
        // 5 s each way; windows of 10 s every 12 s from 10 s. The return path is down from 15 s to 23 s, so the sender never
        // hears that the block is whole: its session ends at its deadline (20 s + 11 s + 2 s = 33 s) and the next window
        // (34 s) carries the blobs again. gb.example's first commit waits 18 s: its receipt leaves near 34 s, arrives near
        // 39 s, while the second session runs, and the second session's receipt finds them transferred.
        var light = TimeSpan.FromSeconds(5);
        var forward = new DirectionProfile { Delay = light, RateBitsPerSecond = Rate, QueueLimitBytes = 1 << 20 };
        var back = new DirectionProfile { Delay = light, RateBitsPerSecond = Rate, QueueLimitBytes = 1 << 20, Blackout = new PeriodicBlackout(TimeSpan.FromHours(10), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(15)) };

        // 2× rather than 5×: the plan counts from the clock's start, before the stores open. At 5× a start-up of 3 s
        // (a make test run beside another project) was 15 plan seconds: the first blobs reached gb.example after its
        // slow commit's 20 s, their receipt came back at once, and the scenario did not happen. At 2× the world may take
        // 7.5 s to start.
        var clock = new ScaledTimeProvider(2);
        await using var world = await RelayWorld.StartAsync(
            clock,
            new LinkProfile { ToTarget = forward, FromTarget = back },
            start => Plan(start + TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12), 8, light),
            sender: s => s.ReceiptWait = TimeSpan.FromSeconds(2),
            receiverDescriptors: d => new SlowCommitDescriptors(d, clock, TimeSpan.FromSeconds(18), until: TimeSpan.FromSeconds(20)));

        var injected = new List<(MessageId Id, Bytes32 Hash, bool CanArrive)>();
        for (var i = 0; i < 10; i++)
        {
            var (id, hash, _) = await world.InjectAsync(20_000, TimeSpan.FromHours(1), seed: 400 + i);
            injected.Add((id, hash, true));
        }

        Assert.True(await Eventually.TrueAsync(() => world.BulkSender.Counters.SessionsCompleted == 1, TimeSpan.FromSeconds(60)));
        Assert.True(await Eventually.TrueAsync(() => injected.All(b => world.Fate(b.Id, b.Hash) == "transferred"), TimeSpan.FromSeconds(10)));

        // Carried twice (the sender could not know the first block had arrived), transferred once: by the first session's
        // late receipt; the second session's receipt moved nothing more and nothing is counted twice.
        var counts = $"sessions {world.Relay.Counters.Sessions}, again {world.Relay.Counters.CarriedAgain}, awaiting {world.Relay.Counters.AwaitingReceipt}, transferred {world.Relay.Counters.Transferred}, late {world.BulkSender.Counters.LateReceipts}, cancelled {world.BulkSender.Counters.SessionsCancelled}, completed {world.BulkSender.Counters.SessionsCompleted}";
        Assert.True(world.Relay.Counters.Sessions == 2, counts);
        Assert.True(world.Relay.Counters.CarriedAgain == 10, counts);
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
