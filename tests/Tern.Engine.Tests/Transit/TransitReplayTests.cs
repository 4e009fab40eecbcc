using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>Journal replay after the last checkpoint (docs/ARCHITECTURE.md §3.2): state changes and accounting come back.</summary>
public sealed class TransitReplayTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task State_changes_and_accounting_after_the_checkpoint_are_replayed_from_the_journal()
    {
        var before = new List<SubmissionResult>();
        var after = new List<SubmissionResult>();
        var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        for (var i = 0; i < 5; i++)
        {
            before.Add(await store.SubmitAsync(Request(Start.AddDays(1), "acct", "a.example", "b.example"), Stream(Bytes(3000 + i, i), false)));
        }

        await store.RecordAttemptAsync(before[0].Capabilities[0], 2, Start.AddMinutes(5));
        await store.CheckpointAsync();

        // Everything from here is only in the journal.
        _time.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5; i++)
        {
            after.Add(await store.SubmitAsync(Request(Start.AddDays(1), "acct", "a.example"), Stream(Bytes(10_000 + i, 100 + i), false)));
        }

        await store.MarkFetchedAsync(before[1].Capabilities[0]);
        await store.RetractAsync(before[2].MessageId, "acct");
        await store.MarkTransferredAsync(before[3].MessageId, "b.example");
        await store.MarkFetchedAsync(after[0].Capabilities[0]);
        await store.RecordAttemptAsync(before[0].Capabilities[0], 3, Start.AddMinutes(9));
        _time.Advance(TimeSpan.FromSeconds(30));
        var account = store.GetAccountStats("acct");
        var domain = store.GetDomainStats("a.example");
        await store.CloseWithoutCheckpointAsync();

        await using var reopened = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        Assert.Equal(account, reopened.GetAccountStats("acct"));
        Assert.Equal(domain, reopened.GetDomainStats("a.example"));
        Assert.Equal(DeliveryState.Fetched, reopened.GetDelivery(before[1].Capabilities[0])!.Value.State);
        Assert.Equal(DeliveryState.Retracted, reopened.GetDelivery(before[2].Capabilities[1])!.Value.State);
        Assert.Equal(DeliveryState.Transferred, reopened.GetDelivery(before[3].Capabilities[1])!.Value.State);
        Assert.Equal(DeliveryState.Outstanding, reopened.GetDelivery(before[3].Capabilities[0])!.Value.State);
        Assert.Equal(TransitStore.NotFound, await reopened.ReadAsync(before[2].Capabilities[0], 0, new byte[1]));
        for (var i = 0; i < after.Count; i++)
        {
            Assert.Equal(Bytes(10_000 + i, 100 + i), await ReadAllAsync(reopened, after[i].Capabilities[0], 10_000 + i));
        }

        // Retransmission progress is index-only: it resumes from the checkpoint (attempt 2), never lost further back.
        var resumed = reopened.GetDelivery(before[0].Capabilities[0])!.Value;
        Assert.Equal((2, Start.AddMinutes(5)), (resumed.Attempt, resumed.NextAttemptAt));
    }
}
