using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

public sealed class TransitLifecycleTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Fetched_delivery_keeps_serving_and_stops_being_pending()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var content = Bytes(5000, 1);
        var result = await store.SubmitAsync(Request(Start.AddDays(1), "alice", "a.example", "b.example"), Stream(content, false));

        Assert.True(await store.MarkFetchedAsync(result.Capabilities[0]));
        Assert.False(await store.MarkFetchedAsync(result.Capabilities[0]));
        Assert.Equal(DeliveryState.Fetched, (await store.GetBlobAsync(result.Capabilities[0]))!.Value.State);
        Assert.Equal(content, await ReadAllAsync(store, result.Capabilities[0], content.Length));

        var pending = new List<DeliveryInfo>();
        await foreach (var d in store.ListOutstandingDeliveriesAsync())
        {
            pending.Add(d);
        }

        var only = Assert.Single(pending);
        Assert.Equal(result.Capabilities[1], only.Capability);
        Assert.Equal("b.example", only.DestinationDomain);
    }

    [Fact]
    public async Task Retraction_removes_pending_deliveries_and_reports_fetched_ones()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var content = Bytes(100, 2);
        var result = await store.SubmitAsync(Request(Start.AddDays(1), "alice", "a.example", "b.example", "c.example"), Stream(content, true));
        await store.MarkFetchedAsync(result.Capabilities[1]);

        var wrongAccount = await store.RetractAsync(result.MessageId, "mallory");
        Assert.Empty(wrongAccount.Retracted);
        Assert.Empty(wrongAccount.AlreadyFetched);

        var retraction = await store.RetractAsync(result.MessageId, "alice");
        Assert.Equal([result.Capabilities[0], result.Capabilities[2]], retraction.Retracted.Select(d => d.Capability));
        Assert.Equal(result.Capabilities[1], Assert.Single(retraction.AlreadyFetched).Capability);

        // Retracted capabilities answer exactly as unknown ones; the fetched one still serves.
        Assert.Null(await store.GetBlobAsync(result.Capabilities[0]));
        Assert.Equal(TransitStore.NotFound, await store.ReadAsync(result.Capabilities[2], 0, new byte[10]));
        Assert.Equal(content, await ReadAllAsync(store, result.Capabilities[1], content.Length));
        Assert.False(await store.MarkFetchedAsync(result.Capabilities[0]));

        var again = await store.RetractAsync(result.MessageId, "alice");
        Assert.Empty(again.Retracted);
        Assert.Single(again.AlreadyFetched);
    }

    [Fact]
    public async Task Transfer_moves_only_the_deliveries_to_that_domain()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var result = await store.SubmitAsync(Request(Start.AddDays(1), "alice", "gw.example", "gw.example", "other.example"), Stream(Bytes(10, 3), true));
        Assert.Equal(2, await store.MarkTransferredAsync(result.MessageId, "GW.example"));
        Assert.Equal(0, await store.MarkTransferredAsync(result.MessageId, "gw.example"));
        Assert.Equal(DeliveryState.Transferred, store.GetDelivery(result.Capabilities[0])!.Value.State);
        Assert.Equal(DeliveryState.Outstanding, store.GetDelivery(result.Capabilities[2])!.Value.State);
        Assert.Equal(2, store.GetDomainStats("gw.example").Transferred);
    }

    [Fact]
    public async Task Expiry_makes_capabilities_not_found_and_the_sweep_counts_them_expired()
    {
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var shortLived = await store.SubmitAsync(Request(Start.AddHours(1), "alice", "a.example"), Stream(Bytes(3000, 4), false));
        var longLived = await store.SubmitAsync(Request(Start.AddDays(3), "alice", "a.example"), Stream(Bytes(3000, 5), false));

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await store.GetBlobAsync(shortLived.Capabilities[0]));
        Assert.Equal(TransitStore.NotFound, await store.ReadAsync(shortLived.Capabilities[0], 0, new byte[10]));
        Assert.NotNull(await store.GetBlobAsync(longLived.Capabilities[0]));

        Assert.Equal(1, await store.SweepAsync(_time.GetUtcNow()));
        Assert.Null(store.GetDelivery(shortLived.Capabilities[0]));
        var stats = store.GetAccountStats("alice");
        Assert.Equal((1L, 1L, 3000L), (stats.Expired, stats.Outstanding, stats.LiveBytes));
        Assert.Empty((await store.RetractAsync(shortLived.MessageId, "alice")).Retracted);
    }

    [Fact]
    public async Task Accounting_counts_bytes_byte_seconds_and_states_and_survives_restart()
    {
        TransitStats account;
        TransitStats domainA;
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            // Blob 1: 1000 bytes to a.example twice and b.example once.
            var one = await store.SubmitAsync(Request(Start.AddDays(1), "acct", "a.example", "a.example", "b.example"), Stream(Bytes(1000, 1), false));

            // Blob 2: 500 bytes to a.example.
            var two = await store.SubmitAsync(Request(Start.AddDays(1), "acct", "a.example"), Stream(Bytes(500, 2), true));
            Assert.Equal(new TransitStats(1500, 0, 4, 0, 0, 0, 0), store.GetAccountStats("acct"));
            Assert.Equal(new TransitStats(2500, 0, 3, 0, 0, 0, 0), store.GetDomainStats("a.example"));

            _time.Advance(TimeSpan.FromSeconds(10));
            await store.MarkFetchedAsync(one.Capabilities[0]);
            await store.MarkTransferredAsync(one.MessageId, "b.example");

            _time.Advance(TimeSpan.FromSeconds(10));
            await store.RetractAsync(two.MessageId, "acct");
            _time.Advance(TimeSpan.FromSeconds(10));

            // Account: 1500 B for 20 s, then 1000 B for 10 s (blob 1 still has a pending delivery).
            account = store.GetAccountStats("acct");
            Assert.Equal(new TransitStats(1000, (1500 * 20) + (1000 * 10), 1, 1, 0, 1, 1), account);

            // a.example: 2500 B for 10 s, 1500 B for 10 s, 1000 B for 10 s.
            domainA = store.GetDomainStats("a.example");
            Assert.Equal(new TransitStats(1000, (2500 * 10) + (1500 * 10) + (1000 * 10), 1, 1, 0, 1, 0), domainA);
            Assert.Equal(new TransitStats(0, 1000 * 10, 0, 0, 0, 0, 1), store.GetDomainStats("b.example"));
        }

        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            Assert.Equal(account, store.GetAccountStats("acct"));
            Assert.Equal(domainA, store.GetDomainStats("a.example"));

            // Expiry ends the last charge.
            _time.Advance(TimeSpan.FromDays(1));
            await store.SweepAsync(_time.GetUtcNow());
            var expired = store.GetAccountStats("acct");
            Assert.Equal((0L, 0L, 1L), (expired.LiveBytes, expired.Outstanding, expired.Expired));
        }
    }
}
