using Tern.Engine.Bulk;
using Tern.Engine.Contacts;
using Tern.Engine.Transit;

namespace Tern.Bulk.Tests.Relay;

/// <summary>
/// A destination with a bulk next hop is reached over the plan's contacts to the peer gateway (docs/PROTOCOL.md §17.1): the
/// custody gateway's earliest-arrival check sees those, so it declines before fetching what cannot cross them in time.
/// </summary>
public sealed class NextHopContactWindowsTests : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("nexthop");
    private readonly ManualClock _clock = new(DateTimeOffset.Parse("2026-12-07T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private TransitStore? _store;

    [Fact]
    public async Task A_next_hop_destination_is_covered_by_the_peers_contacts_and_arrives_a_light_time_after_them()
    {
        _store = await TransitStore.OpenAsync(new TransitStoreOptions { DataDirectory = _directory.File("store"), CheckpointInterval = Timeout.InfiniteTimeSpan, MinFreeBytes = 0 }, _clock);
        var start = _clock.GetUtcNow();

        // ga → gb: 30 s windows every minute from now, 1 Mbit/s, 10 minutes one way; b.example goes through gb.example.
        var contact = new ContactDefinition("ga-gb", "ga.example", "gb.example", start.ToUnixTimeMilliseconds(), start.AddSeconds(30).ToUnixTimeMilliseconds(), 1_000_000, 600_000, 60_000, 100);
        var plan = new ContactWindows("ga.example", new ContactPlan([contact]), _clock);
        var options = new BulkRelayOptions();
        options.NextHops["b.example"] = "gb.example";
        await using var relay = new BulkRelay(_store, plan, options, _clock);
        var seen = new NextHopContactWindows(plan, relay);

        Assert.True(seen.Covers("b.example"));
        Assert.False(plan.Covers("b.example"));
        Assert.False(seen.Covers("c.example"));
        Assert.True(seen.TryOpenNow("b.example", out var window));
        Assert.Equal("gb.example", window.Destination);

        // 1 MB at 1 Mbit/s fits the open window; it arrives ten minutes after it is sent.
        var arrival = seen.EarliestArrival("b.example", 1_000_000, 0, start.AddHours(1));
        Assert.NotNull(arrival);
        Assert.InRange(arrival.Value, start.AddMinutes(10), start.AddMinutes(11));

        // An expiry nine minutes away cannot be met: the light time alone is ten.
        Assert.Null(seen.EarliestArrival("b.example", 1_000, 0, start.AddMinutes(9)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _directory.Dispose();
    }
}
