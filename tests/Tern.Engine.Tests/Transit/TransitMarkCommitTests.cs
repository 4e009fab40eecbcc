using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// A fetched mark rides the next commit (docs/ARCHITECTURE.md §3.2, "Marks that ride"): it asks for no commit of its
/// own, takes effect with the next submission's, is committed alone after <see cref="TransitStoreOptions.MarkCommitDelay"/>,
/// and once committed is replayed like any state change.
/// </summary>
public sealed class TransitMarkCommitTests : IDisposable
{
    private readonly TempDirectory _directory = new("transit");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_fetched_mark_waits_for_the_next_submission_and_takes_effect_in_its_commit()
    {
        var options = Options(_directory.Path);
        options.MarkCommitDelay = TimeSpan.FromSeconds(10);
        var store = await TransitStore.OpenAsync(options);
        var first = await store.SubmitAsync(Request(DateTimeOffset.UtcNow.AddDays(1)), Stream(Bytes(100, 1), seekable: true));
        var commits = store.CommitCount;

        var mark = store.MarkFetchedAsync(first.Capabilities[0]).AsTask();
        await Task.Delay(300);
        Assert.False(mark.IsCompleted);
        Assert.Equal(commits, store.CommitCount);
        Assert.Equal(DeliveryState.Outstanding, store.GetDelivery(first.Capabilities[0])!.Value.State);

        var second = await store.SubmitAsync(Request(DateTimeOffset.UtcNow.AddDays(1)), Stream(Bytes(200, 2), seekable: true));
        Assert.True(await mark.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(commits + 1, store.CommitCount);
        Assert.Equal(DeliveryState.Fetched, store.GetDelivery(first.Capabilities[0])!.Value.State);

        // Committed with the submission: replayed from the journal after a close without checkpoint.
        await store.CloseWithoutCheckpointAsync();
        await using var reopened = await TransitStore.OpenAsync(options);
        Assert.Equal(DeliveryState.Fetched, reopened.GetDelivery(first.Capabilities[0])!.Value.State);
        Assert.Equal(DeliveryState.Outstanding, reopened.GetDelivery(second.Capabilities[0])!.Value.State);
    }

    [Fact]
    public async Task A_fetched_mark_with_nothing_to_ride_is_committed_alone_after_the_delay()
    {
        var options = Options(_directory.Path);
        options.MarkCommitDelay = TimeSpan.FromMilliseconds(150);
        await using var store = await TransitStore.OpenAsync(options);
        var submitted = await store.SubmitAsync(Request(DateTimeOffset.UtcNow.AddDays(1), "alice", "a.example", "b.example"), Stream(Bytes(100, 1), seekable: true));
        var commits = store.CommitCount;

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await store.MarkFetchedAsync(submitted.Capabilities[0]).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(140), $"committed after {started.Elapsed}");
        Assert.Equal(commits + 1, store.CommitCount);

        // Two marks in the window share one commit; the second delivery's mark is its own.
        var other = await store.SubmitAsync(Request(DateTimeOffset.UtcNow.AddDays(1)), Stream(Bytes(100, 2), seekable: true));
        commits = store.CommitCount;
        var marks = new[] { store.MarkFetchedAsync(submitted.Capabilities[1]).AsTask(), store.MarkFetchedAsync(other.Capabilities[0]).AsTask() };
        var marked = await Task.WhenAll(marks).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(marked, m => Assert.True(m));
        Assert.Equal(commits + 1, store.CommitCount);
        Assert.Equal(DeliveryState.Fetched, store.GetDelivery(other.Capabilities[0])!.Value.State);
    }

    [Fact]
    public async Task A_delay_out_of_range_is_refused_naming_the_option()
    {
        var options = Options(_directory.Path);
        options.MarkCommitDelay = TimeSpan.FromSeconds(11);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TransitStore.OpenAsync(options));
        Assert.Contains("MarkCommitDelay", error.Message, StringComparison.Ordinal);
    }
}
