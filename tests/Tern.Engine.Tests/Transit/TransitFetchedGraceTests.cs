using Tern.Engine.Protocol;
using Tern.Engine.Transit;
using static Tern.Engine.Tests.Transit.TransitTestStores;

namespace Tern.Engine.Tests.Transit;

/// <summary>
/// The fetched grace (docs/PROTOCOL.md §9, docs/ARCHITECTURE.md §3.3): a blob whose last delivery was fetched keeps its
/// bytes and serves its capability for <see cref="TransitStoreOptions.FetchedGrace"/>, through sweeps, checkpoints and
/// restarts (with or without the closing checkpoint), never past its expiry, and is reclaimed at the first sweep after.
/// </summary>
public sealed class TransitFetchedGraceTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _directory = new("transit-grace");
    private readonly ManualClock _time = new(Start);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_fetched_blob_serves_through_the_grace_across_restarts_and_not_after_it()
    {
        var content = Bytes(50_000, 5);
        FetchCapability capability;
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            capability = (await store.SubmitAsync(Request(Start.AddDays(2)), Stream(content, seekable: true))).Capabilities[0];
            Assert.True(await store.MarkFetchedAsync(capability));
            await store.SweepAsync(_time.GetUtcNow());
            await store.CheckpointAsync();
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));

            // A recipient that lost the bytes in its crash comes back minutes later: still served.
            _time.Advance(TimeSpan.FromMinutes(4));
            await store.SweepAsync(_time.GetUtcNow());
            await store.CheckpointAsync();
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));
            Assert.Equal(0, store.GetAccountStats("alice").LiveBytes);
        }

        // The grace counts from the fetch, kept in the checkpoint the stop wrote.
        _time.Advance(TimeSpan.FromMinutes(4));
        await using (var store = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            await store.SweepAsync(_time.GetUtcNow());
            Assert.Equal(content, await ReadAllAsync(store, capability, content.Length));

            _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
            await store.SweepAsync(_time.GetUtcNow());
            await store.CheckpointAsync();
            Assert.Equal(TransitStore.NotFound, await store.ReadAsync(capability, 0, new byte[1]));
            Assert.Null(await store.GetBlobAsync(capability));
            Assert.Equal(DeliveryState.Fetched, store.GetDelivery(capability)!.Value.State);
        }
    }

    [Fact]
    public async Task A_crash_after_the_fetch_keeps_the_grace_from_the_journal()
    {
        var content = Bytes(30_000, 6);
        FetchCapability capability;
        var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        capability = (await store.SubmitAsync(Request(Start.AddDays(2)), Stream(content, seekable: true))).Capabilities[0];
        await store.CheckpointAsync();
        Assert.True(await store.MarkFetchedAsync(capability));
        await store.CloseWithoutCheckpointAsync();

        _time.Advance(TimeSpan.FromMinutes(5));
        await using (var recovered = await TransitStore.OpenAsync(Options(_directory.Path), _time))
        {
            await recovered.SweepAsync(_time.GetUtcNow());
            await recovered.CheckpointAsync();
            Assert.Equal(content, await ReadAllAsync(recovered, capability, content.Length));

            _time.Advance(TimeSpan.FromMinutes(5));
            await recovered.SweepAsync(_time.GetUtcNow());
            await recovered.CheckpointAsync();
            Assert.Equal(TransitStore.NotFound, await recovered.ReadAsync(capability, 0, new byte[1]));
        }
    }

    [Fact]
    public async Task A_fetched_blob_in_its_grace_is_not_served_past_its_expiry()
    {
        var content = Bytes(20_000, 7);
        await using var store = await TransitStore.OpenAsync(Options(_directory.Path), _time);
        var capability = (await store.SubmitAsync(Request(Start.AddMinutes(3)), Stream(content, seekable: true))).Capabilities[0];
        Assert.True(await store.MarkFetchedAsync(capability));
        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, await store.SweepAsync(_time.GetUtcNow()));
        Assert.Equal(TransitStore.NotFound, await store.ReadAsync(capability, 0, new byte[1]));
        Assert.True(_time.GetUtcNow() < Start + Grace, "the expiry came before the grace would have ended");
    }

    [Fact]
    public async Task Without_a_grace_the_bytes_of_a_fetched_blob_go_at_the_next_sweep()
    {
        var options = Options(_directory.Path);
        options.FetchedGrace = TimeSpan.Zero;
        var content = Bytes(20_000, 8);
        await using var store = await TransitStore.OpenAsync(options, _time);
        var capability = (await store.SubmitAsync(Request(Start.AddDays(2)), Stream(content, seekable: true))).Capabilities[0];
        Assert.True(await store.MarkFetchedAsync(capability));
        await store.SweepAsync(_time.GetUtcNow());
        await store.CheckpointAsync();
        Assert.Equal(TransitStore.NotFound, await store.ReadAsync(capability, 0, new byte[1]));
    }
}
