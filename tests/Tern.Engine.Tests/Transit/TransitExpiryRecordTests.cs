using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// One expiry record per blob that expires unfetched (issue 17, docs/PROTOCOL.md §10.7), across a crash: the sweep
/// journals the deliveries Expired before it reports the blob, so a store reopened from an older checkpoint does not report
/// it again; and what the sweep at open finds is kept for the owner, who could not listen yet.
/// </summary>
public sealed class TransitExpiryRecordTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit-expiry");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_blob_expired_before_a_crash_is_not_reported_again_by_the_reopened_store()
    {
        var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var reported = new List<BlobExpiry>();
        store.BlobExpired = reported.Add;
        var expiring = await store.SubmitAsync(Request(Start.AddMinutes(1), "acct", "b.example", "b.example"), Stream(Bytes(9000, 1), false));
        var kept = await store.SubmitAsync(Request(Start.AddDays(1), "acct", "b.example"), Stream(Bytes(5000, 2), false));

        // The checkpoint holds the blob Outstanding; the expiry after it is only in the journal when the process dies.
        await store.CheckpointAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await store.SweepAsync(_time.GetUtcNow()));
        var record = Assert.Single(reported);
        Assert.Equal((expiring.MessageId, "acct", 9000L, 2), (record.MessageId, record.Account, record.Size, record.Unfetched));
        var stats = store.GetAccountStats("acct");
        Assert.Equal(2, stats.Expired);
        await store.CloseWithoutCheckpointAsync();

        await using var reopened = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        Assert.Equal(0, reopened.BlobsExpired);
        Assert.Empty(reopened.TakeUnreportedExpiries());
        Assert.Null(reopened.GetDelivery(expiring.Capabilities[0]));
        Assert.Equal(stats.Expired, reopened.GetAccountStats("acct").Expired);
        Assert.Equal(DeliveryState.Outstanding, reopened.GetDelivery(kept.Capabilities[0])!.Value.State);
        Assert.Equal(0, await reopened.SweepAsync(_time.GetUtcNow()));
    }

    [Fact]
    public async Task A_blob_that_expired_while_the_store_was_closed_is_recorded_once_for_its_owner_to_take()
    {
        var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var expiring = await store.SubmitAsync(Request(Start.AddMinutes(1), "acct", "b.example", "c.example"), Stream(Bytes(3000, 3), false));
        var fetched = await store.SubmitAsync(Request(Start.AddMinutes(1), "acct", "b.example"), Stream(Bytes(3000, 4), false));
        Assert.True(await store.MarkFetchedAsync(fetched.Capabilities[0]));
        await store.DisposeAsync();

        // Down past the expiry: the sweep at open finds it before anyone can listen, and keeps its record.
        _time.Advance(TimeSpan.FromMinutes(5));
        var reopened = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var record = Assert.Single(reopened.TakeUnreportedExpiries());
        Assert.Equal((expiring.MessageId, 2), (record.MessageId, record.Unfetched));
        Assert.Empty(reopened.TakeUnreportedExpiries());
        Assert.Equal(1, reopened.BlobsExpired);

        // Killed before any checkpoint: the next process replays the journaled expiry and records nothing more.
        await reopened.CloseWithoutCheckpointAsync();
        await using var again = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        Assert.Equal(0, again.BlobsExpired);
        Assert.Empty(again.TakeUnreportedExpiries());
        Assert.Null(again.GetDelivery(expiring.Capabilities[1]));
    }
}
