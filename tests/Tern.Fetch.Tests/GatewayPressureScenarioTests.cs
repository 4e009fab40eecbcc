using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Transit;

namespace Tern.Fetch.Tests;

/// <summary>
/// Issue 17, items 4 and 6, "a store filled at twice its drain rate": a.example offers g.example two blobs a (virtual)
/// second while b.example, notified by g.example's running scheduler, pulls one a second, so g.example's store runs into
/// its high-water mark. Past it the gateway declines with <c>full</c> (counted under that reason), and goes on serving
/// and notifying, with no restart; one blob in five goes to a recipient that never pulls and expires at the gateway.
/// Once the offers stop, the backlog drains, the unpulled blobs expire, and the next offers are taken again. In the end
/// delivered + expired + declined equals injected, every blob the gateway signed for was delivered byte for byte or
/// expired, and each expiry was recorded once although the store was swept every second.
/// </summary>
public sealed class GatewayPressureScenarioTests
{
    private const int BlobBytes = 10_000;
    private const int HighWaterBlobs = 12;
    private const int PressureSeconds = 40;
    private const int OffersPerSecond = 2;
    private const int IgnoredEvery = 5;
    private static readonly TimeSpan UnpulledLife = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Offered_at_twice_the_drain_rate_the_gateway_declines_full_keeps_serving_and_notifying_and_every_blob_is_accounted_once()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var f = await CustodyFixture.StartAsync(o =>
        {
            o.HighWaterBytes = HighWaterBlobs * BlobBytes;
            o.MinRemaining = TimeSpan.FromSeconds(5);
        }, clock);
        using var b = new NotifiedRecipient(CustodyFixture.RecipientDomain);
        var peers = new StaticPeerResolver();
        peers.Set(b.Peer);
        using var scheduler = new NotificationScheduler(f.GatewayStore, f.GatewayKeys, peers, b,
            new NotificationSchedulerOptions { OnBehalfOfAccounts = true, TickInterval = TimeSpan.FromMilliseconds(5) }, clock);
        var committed = new List<SubmissionResult>();
        f.Gateway.Committed = result =>
        {
            committed.Add(result);
            scheduler.Schedule(result);
        };
        await scheduler.StartAsync();

        var run = new Run(f, b, clock, committed);
        for (var second = 0; second < PressureSeconds; second++)
        {
            var declinedBefore = run.Declined.Count;
            for (var i = 0; i < OffersPerSecond; i++)
            {
                await run.InjectAsync();
            }

            var served = await run.DrainOneAsync();
            if (run.Declined.Count > declinedBefore && served)
            {
                run.ServedWhileDeclining++;
            }

            await run.TickAsync();
        }

        // The offers stop: b.example drains the backlog, and the unpulled blobs reach their expiry and are swept.
        for (var second = 0; second < UnpulledLife.TotalSeconds + HighWaterBlobs + 2; second++)
        {
            await run.DrainOneAsync();
            await run.TickAsync();
        }

        // Intake recovered in the same process: the next offers are taken.
        var afterwards = new List<CustodyAnswer>();
        for (var i = 0; i < 4; i++)
        {
            afterwards.Add(await run.InjectAsync(unpulled: false));
        }

        Assert.All(afterwards, a => Assert.Equal(CustodyAnswerStatus.Accepted, a.Status));
        while (await run.DrainOneAsync())
        {
            await run.TickAsync();
        }

        // The pressure was real: many offers declined full, while b.example was still served in those same seconds.
        var injected = (PressureSeconds * OffersPerSecond) + 4;
        Assert.Equal(injected, run.Injected);
        // (It takes what b.example pulls, what expires and the mark's room: about 60 of the 80 offered in those 40 seconds.)
        Assert.InRange(run.Declined.Count, PressureSeconds / 4, injected - HighWaterBlobs);
        Assert.True(run.ServedWhileDeclining >= PressureSeconds / 2, $"served in {run.ServedWhileDeclining} seconds that also declined");
        Assert.Equal(run.Declined.Count, f.Gateway.Counters.DeclinedFor(CustodyDeclineReason.Full));
        Assert.Equal(run.Declined.Count, f.Gateway.Counters.Declined);

        // Every injected blob ended one way, once: delivered, expired at the gateway, or declined (kept by a.example).
        var expired = run.Accepted.Count(a => a.Unpulled);
        Assert.True(expired > 0, "no unpulled blob was taken");
        Assert.Equal(injected, run.Delivered.Count + expired + run.Declined.Count);
        Assert.Empty(run.Delivered.Intersect(run.Declined));

        // Nothing acknowledged was lost: each receipt's blob was pulled byte for byte, or expired unpulled.
        Assert.Equal(run.Accepted.Count, f.Gateway.Counters.Accepted);
        Assert.All(run.Accepted.Where(a => !a.Unpulled), a => Assert.Contains(a.MessageId, run.Delivered));
        Assert.Equal(run.Accepted.Count, committed.Count);

        // Each was notified (via the gateway, in a.example's name), including those taken past the mark.
        Assert.All(committed, c => Assert.True(b.Notified(c.Capabilities[0]), $"{c.MessageId} was never notified"));
        Assert.Equal(0, b.Unreadable);
        Assert.True(b.ViaGatewayRecords >= committed.Count);

        // One expiry record per unpulled blob, counted, though the store was swept every second of the run.
        Assert.Equal(expired, f.Gateway.Counters.Expired);
        Assert.Equal(expired, f.GatewayStore.BlobsExpired);
        Assert.Equal(0, f.GatewayStore.LiveBytes);
    }

    /// <summary>The scenario's bookkeeping: what a.example injected and how each offer was answered, and b.example's pulls.</summary>
    private sealed class Run(CustodyFixture f, NotifiedRecipient b, ManualClock clock, List<SubmissionResult> committed)
    {
        private readonly Dictionary<RecipientHash, (MessageId Offered, byte[] Content)> _byRecipient = [];
        private readonly HashSet<RecipientHash> _unpulled = [];
        private readonly HashSet<FetchCapability> _pulled = [];

        public int Injected { get; private set; }

        public List<(MessageId MessageId, bool Unpulled)> Accepted { get; } = [];

        public HashSet<MessageId> Declined { get; } = [];

        public HashSet<MessageId> Delivered { get; } = [];

        public int ServedWhileDeclining { get; set; }

        /// <summary>a.example submits a blob for one recipient at b.example and offers it to g.example.</summary>
        public async Task<CustodyAnswer> InjectAsync(bool? unpulled = null)
        {
            var ignored = unpulled ?? Injected % IgnoredEvery == IgnoredEvery - 1;
            var content = FetchFixture.Bytes(BlobBytes, 1000 + Injected);
            var expiry = clock.GetUtcNow() + (ignored ? UnpulledLife : TimeSpan.FromDays(1));
            var submitted = await f.SubmitAsync(content, recipients: 1, expiry: expiry);
            Injected++;
            var (offer, bytes) = f.Offer(submitted);
            _byRecipient[offer.RecipientHashes[0]] = (offer.MessageId, content);
            if (ignored)
            {
                _unpulled.Add(offer.RecipientHashes[0]);
            }

            var answer = await f.Gateway.OfferAsync(bytes);
            switch (answer.Status)
            {
                case CustodyAnswerStatus.Accepted:
                    Accepted.Add((offer.MessageId, ignored));
                    break;
                case CustodyAnswerStatus.Declined:
                    Assert.Equal(CustodyDeclineReason.Full, answer.Reason);
                    Assert.Contains("high-water mark", answer.Detail, StringComparison.Ordinal);
                    Declined.Add(offer.MessageId);
                    break;
                default:
                    Assert.Fail($"offer {Injected} answered {answer.Status}");
                    break;
            }

            return answer;
        }

        /// <summary>
        /// b.example pulls the oldest blob it was notified of and has not pulled, unless its recipient never pulls: reads it
        /// whole from g.example's store, checks it, and marks it fetched. False when nothing waited.
        /// </summary>
        public async Task<bool> DrainOneAsync()
        {
            // Everything committed so far is notified before b.example chooses (the scheduler's loop runs on its own thread).
            await Eventually.AssertAsync(() => committed.All(c => b.Notified(c.Capabilities[0])), TimeSpan.FromSeconds(30));
            foreach (var (capability, recipient) in b.InOrder())
            {
                if (_unpulled.Contains(recipient) || !_pulled.Add(capability))
                {
                    continue;
                }

                var held = await f.GatewayStore.GetBlobAsync(capability);
                Assert.NotNull(held);
                var bytes = new byte[BlobBytes];
                var read = 0;
                while (read < BlobBytes)
                {
                    var n = await f.GatewayStore.ReadAsync(capability, read, bytes.AsMemory(read));
                    Assert.True(n > 0, $"read {n} at {read}");
                    read += n;
                }

                var (offered, content) = _byRecipient[recipient];
                Assert.Equal(content, bytes);
                Assert.True(await f.GatewayStore.MarkFetchedAsync(capability));
                Delivered.Add(offered);
                return true;
            }

            return false;
        }

        /// <summary>One virtual second passes; the gateway's store sweeps, as its maintenance loop would.</summary>
        public async Task TickAsync()
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await f.GatewayStore.SweepAsync(clock.GetUtcNow());
        }
    }
}
