using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Tests.Transit;

namespace Tern.Engine.Tests.Notify;

/// <summary>
/// Deliveries offered to a gateway are held from notification, and a gateway notifies in its senders' place
/// (docs/PROTOCOL.md §10.5, §10.6).
/// </summary>
public sealed class NotificationSchedulerHoldTests
{
    [Fact]
    public async Task A_held_delivery_is_not_notified_until_released_and_a_transferred_one_never()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        var hold = new Hold();
        using var scheduler = f.Scheduler(options => options.PeerRetryInterval = TimeSpan.FromSeconds(1));
        scheduler.Hold = hold;
        var routed = await f.SubmitAsync(null, "b.example");
        var transferred = await f.SubmitAsync(null, "b.example");
        var direct = await f.SubmitAsync(null, "c.example");
        hold.Held.Add((routed.MessageId, "b.example"));
        hold.Held.Add((transferred.MessageId, "b.example"));
        foreach (var s in new[] { routed, transferred, direct })
        {
            scheduler.Schedule(s);
        }

        for (var i = 0; i < 5; i++)
        {
            scheduler.RunRound(f.NowMs);
            f.Advance(TimeSpan.FromSeconds(1.5));
        }

        Assert.Empty(f.Transport.Notifications(routed.Capabilities[0]));
        Assert.Empty(f.Transport.Notifications(transferred.Capabilities[0]));
        Assert.NotEmpty(f.Transport.Notifications(direct.Capabilities[0]));
        Assert.True(scheduler.Counters.Held >= 4, $"held {scheduler.Counters.Held}");
        Assert.Equal(0, f.Store.GetDelivery(routed.Capabilities[0])!.Value.Attempt);

        // The gateway's receipt moves one to Transferred; a decline releases the other, which is then notified.
        Assert.Equal(1, await f.Store.MarkTransferredAsync(transferred.MessageId, "b.example"));
        hold.Held.Remove((routed.MessageId, "b.example"));
        for (var i = 0; i < 3; i++)
        {
            f.Advance(TimeSpan.FromSeconds(1.5));
            scheduler.RunRound(f.NowMs);
        }

        Assert.Equal(1, f.Transport.Notifications(routed.Capabilities[0]).First().Attempt);
        Assert.Empty(f.Transport.Notifications(transferred.Capabilities[0]));
        Assert.Equal(1, scheduler.Counters.Stopped(StopReason.Transferred));
    }

    [Fact]
    public async Task A_gateway_notifies_under_its_own_key_with_via_gateway_and_the_sender_domain_it_holds_the_blob_for()
    {
        await using var f = await SchedulerFixture.CreateAsync();
        using var scheduler = f.Scheduler(options => options.OnBehalfOfAccounts = true);
        var request = TransitTestStores.Request(f.Clock.GetUtcNow().AddDays(1), "x.example", "b.example");
        var held = await f.Store.SubmitAsync(request, new MemoryStream(TransitTestStores.Bytes(100, 1)));
        scheduler.Schedule(held);

        scheduler.RunRound(f.NowMs);

        // The transport opened the datagram with b.example's keys under the header's key: this node's (a.example's) own.
        var record = Assert.Single(f.Transport.Notifications(held.Capabilities[0]));
        Assert.True(record.ViaGateway);
        Assert.Equal("x.example", record.SenderDomain);
    }

    private sealed class Hold : IDeliveryHold
    {
        public HashSet<(MessageId, string)> Held { get; } = [];

        public bool IsHeld(MessageId messageId, string domain) => Held.Contains((messageId, domain));
    }
}
