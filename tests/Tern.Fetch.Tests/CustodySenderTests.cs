using Tern.Engine.Custody;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Protocol.Receipts;
using Tern.Engine.Transit;

namespace Tern.Fetch.Tests;

/// <summary>The sender's side (docs/PROTOCOL.md §10.5): routed deliveries held, offered, transferred on a receipt that verifies only.</summary>
public sealed class CustodySenderTests
{
    [Fact]
    public async Task A_routed_delivery_is_held_offered_and_transferred_on_a_verified_receipt()
    {
        await using var f = await CustodyFixture.StartAsync();
        var submitted = await f.SubmitAsync(FetchFixture.Bytes(300_000, 40), recipients: 2);
        await using var sender = Sender(f, new InProcessGateway(f.Gateway));

        Assert.True(sender.IsHeld(submitted.MessageId, CustodyFixture.RecipientDomain));
        Assert.False(sender.IsHeld(submitted.MessageId, "c.example"));

        Assert.True(await WaitAsync(() => submitted.Capabilities.All(c => f.Sender.StateOf(c) == DeliveryState.Transferred)));
        // The offer counts the transfer after the state is durable and leaves the in-flight set last: wait for that
        // before reading its counter (read at once, it raced the offer's last step).
        Assert.True(await WaitAsync(() => f.Sender.Store.OpenTransfers == 0 && sender.OffersInFlight == 0));
        Assert.Equal(1, sender.Counters.Transferred);
        Assert.Equal(2, f.Sender.Store.GetDomainStats(CustodyFixture.RecipientDomain).Transferred);
        Assert.Equal(0, f.Sender.Store.LiveBytes);
        Assert.Equal(submitted.PayloadHash, f.HeldLast().PayloadHash);
    }

    public static TheoryData<string> Forgeries => ["another key", "another recipient domain", "a shorter expiry", "not a receipt"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_receipt_that_does_not_verify_is_refused_and_the_deliveries_stay_with_the_sender(string forgery)
    {
        await using var f = await CustodyFixture.StartAsync();
        var submitted = await f.SubmitAsync(FetchFixture.Bytes(2_000, 41), recipients: 1);
        using var impostor = DomainKeySet.Generate(CustodyFixture.GatewayDomain);
        var client = new InProcessGateway(f.Gateway, receipt => Forge(receipt, forgery, forgery == "another key" ? impostor : f.GatewayKeys));
        await using var sender = Sender(f, client);

        Assert.True(sender.IsHeld(submitted.MessageId, CustodyFixture.RecipientDomain));

        Assert.True(await WaitAsync(() => sender.Counters.ReceiptsRefused == 1 && sender.OffersInFlight == 0));
        Assert.Equal(DeliveryState.Outstanding, f.Sender.StateOf(submitted.Capabilities[0]));
        Assert.Equal(0, sender.Counters.Transferred);
        // Released: the node notifies the delivery itself from now on.
        Assert.False(sender.IsHeld(submitted.MessageId, CustodyFixture.RecipientDomain));
        Assert.Equal(0, f.Sender.Store.OpenTransfers);
    }

    [Fact]
    public async Task A_decline_that_holds_releases_the_delivery_and_a_transient_one_is_offered_again()
    {
        await using var f = await CustodyFixture.StartAsync(options => options.MaxBlobBytes = 1000);
        var large = await f.SubmitAsync(FetchFixture.Bytes(5_000, 42), recipients: 1);
        var client = new InProcessGateway(f.Gateway);
        await using var sender = Sender(f, client);

        Assert.True(sender.IsHeld(large.MessageId, CustodyFixture.RecipientDomain));
        Assert.True(await WaitAsync(() => !sender.IsHeld(large.MessageId, CustodyFixture.RecipientDomain)));
        Assert.Equal(DeliveryState.Outstanding, f.Sender.StateOf(large.Capabilities[0]));
        Assert.Equal(1, sender.Counters.DeclinedByGateway);

        // A gateway that cannot be reached (a failed exchange) is offered again on the backoff, the delivery held meanwhile.
        var small = await f.SubmitAsync(FetchFixture.Bytes(500, 43), recipients: 1);
        client.FailNext = 2;
        Assert.True(sender.IsHeld(small.MessageId, CustodyFixture.RecipientDomain));
        Assert.True(await WaitAsync(() => f.Sender.StateOf(small.Capabilities[0]) == DeliveryState.Transferred));
        Assert.True(sender.Counters.OffersSent >= 3 + 1);
    }

    private static CustodySender Sender(CustodyFixture f, ICustodyOfferClient client)
    {
        var options = new CustodySenderOptions { RetryInitial = TimeSpan.FromMilliseconds(20), RetryMax = TimeSpan.FromMilliseconds(100) };
        options.Routes[CustodyFixture.RecipientDomain] = CustodyFixture.GatewayDomain;
        return new CustodySender(f.Sender.Store, () => f.SenderKeys, f.Descriptors, client, options);
    }

    private static byte[] Forge(ReadOnlyMemory<byte> genuine, string forgery, DomainKeySet signer)
    {
        if (forgery == "not a receipt")
        {
            var broken = genuine.ToArray();
            broken[40] ^= 1;
            return broken;
        }

        Assert.True(ResponsibilityReceipt.TryParse(genuine.Span, out var receipt, out _));
        receipt = forgery switch
        {
            "another key" => receipt with { GatewaySigningKey = new Bytes32(signer.SigningPublicKey) },
            "another recipient domain" => receipt with { RecipientDomain = "c.example" },
            _ => receipt with { HonouredExpiryMs = receipt.HonouredExpiryMs - 1 },
        };
        var bytes = new byte[receipt.EncodedLength];
        receipt.Sign(signer, bytes);
        return bytes;
    }

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    /// <summary>Carries offers straight to a gateway in the same process; can fail exchanges or rewrite the receipt.</summary>
    private sealed class InProcessGateway(CustodyGateway gateway, Func<ReadOnlyMemory<byte>, byte[]>? rewrite = null) : ICustodyOfferClient
    {
        private int _failNext;

        public int FailNext
        {
            get => Volatile.Read(ref _failNext);
            set => Volatile.Write(ref _failNext, value);
        }

        public async Task<byte[]?> OfferAsync(IReadOnlyList<string> gatewayDoors, ReadOnlyMemory<byte> offer, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _failNext) >= 0)
            {
                throw new IOException("connection refused (test)");
            }

            var answer = await gateway.OfferAsync(offer, cancellationToken);
            return answer.Status == CustodyAnswerStatus.Accepted && rewrite is not null ? CustodyAnswer.Accepted(rewrite(answer.Receipt)).ToArray() : answer.ToArray();
        }
    }
}
