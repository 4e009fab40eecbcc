using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Transit;

namespace Tern.Fetch.Tests;

/// <summary>The gateway's side of responsibility transfer (docs/PROTOCOL.md §10.4), fetching over a real framed door on loopback.</summary>
public sealed class CustodyGatewayTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(700_000)]
    public async Task Accepted_offer_holds_the_blob_byte_identical_under_fresh_capabilities_and_the_receipt_verifies(int size)
    {
        await using var f = await CustodyFixture.StartAsync();
        var content = FetchFixture.Bytes(size, 1);
        var submitted = await f.SubmitAsync(content, recipients: 2);
        var (offer, bytes) = f.Offer(submitted);

        var answer = await f.Gateway.OfferAsync(bytes);

        Assert.Equal(CustodyAnswerStatus.Accepted, answer.Status);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(ReceiptVerdict.Valid, CustodyReceiptCheck.Check(offer, answer.Receipt.Span, [new Bytes32(f.GatewayKeys.SigningPublicKey)], now, out var receipt));
        Assert.Equal(offer.RequestedExpiryMs, receipt.HonouredExpiryMs);

        var held = f.HeldLast();
        Assert.Equal((PullFixture.SenderDomain, (long)size, submitted.PayloadHash, submitted.TransitExpiry, "message/tern"), (held.Account, held.Size, held.PayloadHash, held.TransitExpiry, held.MimeHint));
        Assert.Equal(offer.RecipientHashes.Order(Comparer<RecipientHash>.Create((x, y) => x.ToString().CompareTo(y.ToString()))),
            held.Deliveries.Select(d => d.RecipientHash).Order(Comparer<RecipientHash>.Create((x, y) => x.ToString().CompareTo(y.ToString()))));
        foreach (var delivery in held.Deliveries)
        {
            Assert.Equal(CustodyFixture.RecipientDomain, delivery.DestinationDomain);
            Assert.Equal(DeliveryState.Outstanding, delivery.State);
            Assert.DoesNotContain(delivery.Capability, submitted.Capabilities);
            Assert.NotEqual(offer.TransferCapability, delivery.Capability);
            Assert.Equal(content, await ReadAllAsync(f.GatewayStore, delivery.Capability, size));
        }

        // The gateway's fetch is not a delivery (§10.5): the sender's deliveries are still outstanding, nothing marked fetched.
        Assert.All(submitted.Capabilities, c => Assert.Equal(DeliveryState.Outstanding, f.Sender.StateOf(c)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(f.GatewayDirectory, "custody", "incoming")));
        Assert.Equal(1, f.Gateway.Counters.Accepted);
    }

    [Fact]
    public async Task A_repeated_offer_gets_the_same_receipt_without_fetching_again()
    {
        await using var f = await CustodyFixture.StartAsync();
        var submitted = await f.SubmitAsync(FetchFixture.Bytes(5000, 2));
        var (_, bytes) = f.Offer(submitted);

        var first = await f.Gateway.OfferAsync(bytes);
        var created = f.Sources.Created;
        var second = await f.Gateway.OfferAsync(bytes);

        Assert.Equal(CustodyAnswerStatus.Accepted, second.Status);
        Assert.Equal(first.Receipt.ToArray(), second.Receipt.ToArray());
        Assert.Equal(created, f.Sources.Created);
        Assert.Single(f.Committed);
        Assert.Equal(1, f.GatewayStore.IndexCounts.Blobs);
    }

    public static TheoryData<string, CustodyDeclineReason> Refusals => new()
    {
        { "expiry beyond MaxExpiry", CustodyDeclineReason.Expiry },
        { "expiry too soon", CustodyDeclineReason.Expiry },
        { "too large", CustodyDeclineReason.TooLarge },
        { "sender not served", CustodyDeclineReason.Policy },
        { "destination not served", CustodyDeclineReason.Policy },
        { "past the high-water mark", CustodyDeclineReason.Full },
        { "another gateway named", CustodyDeclineReason.BadOffer },
        { "signed by another key of a.example", CustodyDeclineReason.BadOffer },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Offers_it_cannot_honour_are_declined_before_any_byte_is_fetched(string why, CustodyDeclineReason reason)
    {
        await using var f = await CustodyFixture.StartAsync(options =>
        {
            options.MaxExpiry = TimeSpan.FromHours(2);
            options.MinRemaining = TimeSpan.FromMinutes(10);
            options.MaxBlobBytes = 100_000;
            options.HighWaterBytes = why == "past the high-water mark" ? 50_000 : 0;
            if (why == "sender not served")
            {
                options.Senders.Clear();
                options.Senders.Add("c.example");
            }

            if (why == "destination not served")
            {
                options.Destinations.Add("c.example");
            }
        });
        var expiry = why switch
        {
            "expiry beyond MaxExpiry" => DateTimeOffset.UtcNow.AddHours(3),
            "expiry too soon" => DateTimeOffset.UtcNow.AddMinutes(5),
            _ => DateTimeOffset.UtcNow.AddHours(1),
        };
        // 60 000 bytes fit the size limit but not under a high-water mark of 50 000.
        var size = why == "too large" ? 120_000 : 60_000;
        var submitted = await f.SubmitAsync(FetchFixture.Bytes(size, 3), expiry: expiry);
        using var other = Tern.Engine.Keys.DomainKeySet.Generate(PullFixture.SenderDomain);
        var (_, bytes) = why switch
        {
            "another gateway named" => f.Offer(submitted, o => CustodyFixture.With(o, gatewayDomain: "h.example")),
            "signed by another key of a.example" => f.Offer(submitted, signer: other),
            _ => f.Offer(submitted),
        };
        var answer = await f.Gateway.OfferAsync(bytes);

        Assert.Equal(CustodyAnswerStatus.Declined, answer.Status);
        Assert.True(reason == answer.Reason, $"{why}: {answer.Reason} ({answer.Detail})");
        Assert.False(string.IsNullOrEmpty(answer.Detail));
        Assert.Equal(0, f.Sources.Created);
        Assert.Equal(0, f.GatewayStore.IndexCounts.Blobs);
    }

    [Fact]
    public async Task Malformed_offer_is_declined_bad_offer()
    {
        await using var f = await CustodyFixture.StartAsync();
        var answer = await f.Gateway.OfferAsync(new byte[300]);
        Assert.Equal((CustodyAnswerStatus.Declined, CustodyDeclineReason.BadOffer), (answer.Status, answer.Reason));
        Assert.Contains("UnknownVersion", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_offered_hash_are_not_held()
    {
        await using var f = await CustodyFixture.StartAsync();
        var submitted = await f.SubmitAsync(FetchFixture.Bytes(40_000, 4));
        var (_, bytes) = f.Offer(submitted, o => CustodyFixture.With(o, payloadHash: Bytes32.Random()));

        var answer = await f.Gateway.OfferAsync(bytes);

        Assert.Equal((CustodyAnswerStatus.Declined, CustodyDeclineReason.FetchFailed), (answer.Status, answer.Reason));
        Assert.Equal(0, f.GatewayStore.IndexCounts.Blobs);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(f.GatewayDirectory, "custody", "incoming")));
    }

    [Fact]
    public async Task A_closed_transfer_capability_is_not_served()
    {
        await using var f = await CustodyFixture.StartAsync();
        var submitted = await f.SubmitAsync(FetchFixture.Bytes(3000, 5));
        var (offer, bytes) = f.Offer(submitted);
        f.Sender.Store.CloseTransfer(offer.TransferCapability);

        var answer = await f.Gateway.OfferAsync(bytes);

        Assert.Equal((CustodyAnswerStatus.Declined, CustodyDeclineReason.FetchFailed), (answer.Status, answer.Reason));
        Assert.Contains("does not serve", answer.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_the_high_water_mark_offers_are_declined_serving_goes_on_and_taking_resumes_once_space_frees()
    {
        await using var f = await CustodyFixture.StartAsync(options => options.HighWaterBytes = 3 * 20_000);
        var accepted = new List<FetchCapability>();
        var answers = new List<CustodyAnswer>();
        for (var i = 0; i < 5; i++)
        {
            var submitted = await f.SubmitAsync(FetchFixture.Bytes(20_000, 10 + i), recipients: 1);
            var answer = await f.Gateway.OfferAsync(f.Offer(submitted).Bytes);
            answers.Add(answer);
            if (answer.Status == CustodyAnswerStatus.Accepted)
            {
                accepted.Add(f.HeldLast().Deliveries[0].Capability);
            }
        }

        // Three fit under the mark; the fourth and fifth are declined full, with a reason, and nothing hangs.
        Assert.Equal([CustodyAnswerStatus.Accepted, CustodyAnswerStatus.Accepted, CustodyAnswerStatus.Accepted, CustodyAnswerStatus.Declined, CustodyAnswerStatus.Declined],
            answers.Select(a => a.Status));
        Assert.All(answers.Skip(3), a => Assert.Equal(CustodyDeclineReason.Full, a.Reason));
        Assert.Contains("high-water", answers[3].Detail, StringComparison.Ordinal);

        // Serving goes on past the mark.
        Assert.NotNull(await ReadAllAsync(f.GatewayStore, accepted[0], 20_000));

        // A held blob delivered (fetched) frees its bytes: the next offer is taken again, without a restart.
        Assert.True(await f.GatewayStore.MarkFetchedAsync(accepted[0]));
        var again = await f.SubmitAsync(FetchFixture.Bytes(20_000, 20), recipients: 1);
        Assert.Equal(CustodyAnswerStatus.Accepted, (await f.Gateway.OfferAsync(f.Offer(again).Bytes)).Status);
    }

    [Fact]
    public async Task A_held_blob_that_expires_unfetched_is_recorded_once()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var f = await CustodyFixture.StartAsync(options => options.MinRemaining = TimeSpan.Zero, clock);
        var expiring = await f.SubmitAsync(FetchFixture.Bytes(2000, 30), recipients: 2, expiry: clock.GetUtcNow().AddMinutes(2));
        Assert.Equal(CustodyAnswerStatus.Accepted, (await f.Gateway.OfferAsync(f.Offer(expiring).Bytes)).Status);
        var fetched = await f.SubmitAsync(FetchFixture.Bytes(2000, 31), recipients: 1, expiry: clock.GetUtcNow().AddMinutes(2));
        Assert.Equal(CustodyAnswerStatus.Accepted, (await f.Gateway.OfferAsync(f.Offer(fetched).Bytes)).Status);
        Assert.True(await f.GatewayStore.MarkFetchedAsync(f.HeldLast().Deliveries[0].Capability));

        clock.Advance(TimeSpan.FromMinutes(3));
        await f.GatewayStore.SweepAsync(clock.GetUtcNow());
        await f.GatewayStore.SweepAsync(clock.GetUtcNow());

        // One record for the blob that expired with two deliveries unfetched; none for the one that was delivered.
        Assert.Equal(1, f.Gateway.Counters.Expired);
        Assert.Equal(1, f.GatewayStore.BlobsExpired);
    }

    private static async Task<byte[]?> ReadAllAsync(TransitStore store, FetchCapability capability, long size)
    {
        var result = new byte[size];
        long offset = 0;
        while (offset < size)
        {
            var n = await store.ReadAsync(capability, offset, result.AsMemory((int)offset, (int)Math.Min(16_384, size - offset)));
            if (n == TransitStore.NotFound)
            {
                return null;
            }

            offset += n;
        }

        return await store.GetBlobAsync(capability) is null ? null : result;
    }
}
