namespace Tern.Engine.Tests.Interop;

/// <summary>
/// Two real node processes over loopback UDP (DESIGN.md §1 steps 3–4): notifications from one land in the other's
/// pending table, retransmission gets through a lossy link, and a fetch ends retransmission.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class NotificationInteropTests(TwoNodesFixture nodes) : IClassFixture<TwoNodesFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_notification_sent_by_one_node_lands_in_the_others_pending_table()
    {
        await nodes.A.AddPeerAsync("b.example", nodes.B.AgreementKey, nodes.B.Port);
        var (_, capability, hash) = await nodes.A.SubmitAsync("b.example");

        await Eventually.AssertAsync(async () => (await nodes.B.PollAsync(hash)).ContainsKey(capability), Patience);
        await Eventually.AssertAsync(
            async () =>
            {
                var stats = await nodes.B.StatsAsync();
                return stats["accepted.records"] >= 1 && stats["sink.inserted"] >= 1;
            },
            Patience);
    }

    [Fact]
    public async Task Retransmission_delivers_through_a_relay_that_drops_the_first_datagrams()
    {
        await using var relay = new UdpRelay(nodes.B.Port, dropFirst: 3);
        await nodes.A.AddPeerAsync("lossy.b.example", nodes.B.AgreementKey, relay.Port);
        var (_, capability, hash) = await nodes.A.SubmitAsync("lossy.b.example");

        await Eventually.AssertAsync(async () => (await nodes.B.PollAsync(hash)).ContainsKey(capability), Patience);

        // Each datagram through this relay carries this delivery alone: attempts 1–3 were dropped, the 4th got through.
        Assert.True(relay.Received >= 4);
        Assert.Equal(4, (await nodes.B.PollAsync(hash))[capability]);
    }

    [Fact]
    public async Task Retransmission_stops_once_the_delivery_is_fetched()
    {
        await using var relay = new UdpRelay(nodes.B.Port, dropFirst: 0);
        await nodes.A.AddPeerAsync("fetched.b.example", nodes.B.AgreementKey, relay.Port);
        var (_, capability, hash) = await nodes.A.SubmitAsync("fetched.b.example");

        // Retransmitting (100, 200, 400, 400… ms apart, jittered), and landed.
        await Eventually.AssertAsync(() => relay.Received >= 3, Patience);
        Assert.True((await nodes.B.PollAsync(hash)).ContainsKey(capability));
        var stoppedBefore = (await nodes.A.StatsAsync())["stopped.Fetched"];

        Assert.Equal("OK True", await nodes.A.SendAsync("FETCHED " + capability));
        Assert.StartsWith("DELIVERY Fetched", await nodes.A.SendAsync("DELIVERY " + capability), StringComparison.Ordinal);

        // The scheduler ends the delivery when its next entry comes due and finds it fetched: from then on nothing of it
        // can leave. What left before has reached the relay once the relay's socket is empty.
        await Eventually.AssertAsync(async () => (await nodes.A.StatsAsync())["stopped.Fetched"] > stoppedBefore, Patience);
        await Eventually.AssertAsync(() => relay.Drained, Patience);
        var settled = relay.Received;

        // The claim is an absence — nothing over five maximum intervals (400 ms) — so this wait is the observation itself.
        await Task.Delay(2_000);
        Assert.Equal(settled, relay.Received);
        Assert.True((await nodes.A.StatsAsync())["stopped.Fetched"] >= 1);
    }

    [Fact]
    public async Task A_retraction_before_fetch_removes_the_reference_at_the_receiver()
    {
        await nodes.A.AddPeerAsync("retract.b.example", nodes.B.AgreementKey, nodes.B.Port);
        var (messageId, capability, hash) = await nodes.A.SubmitAsync("retract.b.example");
        await Eventually.AssertAsync(async () => (await nodes.B.PollAsync(hash)).ContainsKey(capability), Patience);

        Assert.Equal("RETRACTED 1 0", await nodes.A.SendAsync("RETRACT " + messageId));
        await Eventually.AssertAsync(async () => (await nodes.B.PollAsync(hash)).Count == 0, Patience);
        Assert.StartsWith("DELIVERY Retracted", await nodes.A.SendAsync("DELIVERY " + capability), StringComparison.Ordinal);
        // The sink counts after the table removed the reference: read the counter eventually, not in the same instant.
        await Eventually.AssertAsync(async () => (await nodes.B.StatsAsync())["sink.retracted"] >= 1, Patience);
    }
}
