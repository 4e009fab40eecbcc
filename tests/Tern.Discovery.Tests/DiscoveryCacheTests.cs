using Tern.Engine.Discovery;

namespace Tern.Discovery.Tests;

/// <summary>The cache's own rules, over an in-memory network: bounded size, TTL bounds, options refused with their name.</summary>
public sealed class DiscoveryCacheTests
{
    [Fact]
    public async Task The_cache_holds_at_most_max_entries_found_or_failed()
    {
        var network = new FakeNetwork();
        var peers = Enumerable.Range(0, 6).Select(i => new TestPeer($"p{i}.example")).ToList();
        peers.ForEach(network.Publish);
        using var discovery = new DomainDiscovery(network, network, new DiscoveryOptions { MaxEntries = 4 });

        foreach (var peer in peers)
        {
            Assert.True((await discovery.ResolveAsync(peer.Domain)).IsFound);
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(DiscoveryFailure.DomainNotFound, (await discovery.ResolveAsync($"missing{i}.example")).Failure);
        }

        Assert.Equal(4, discovery.CachedDomains);

        // The most recently used stay: the last failures are cache hits, the first peers are looked up again.
        var lookups = discovery.Counters.NetworkLookups;
        await discovery.ResolveAsync("missing19.example");
        Assert.Equal(lookups, discovery.Counters.NetworkLookups);
        await discovery.ResolveAsync("p0.example");
        Assert.Equal(lookups + 1, discovery.Counters.NetworkLookups);
        peers.ForEach(peer => peer.Dispose());
    }

    [Fact]
    public async Task A_ttl_below_the_minimum_is_raised_one_above_the_maximum_cut_and_neither_outlives_the_descriptor()
    {
        using var peer = new TestPeer("b.example");
        var network = new FakeNetwork { Ttl = TimeSpan.Zero };
        network.Publish(peer);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var discovery = new DomainDiscovery(network, network, new DiscoveryOptions { MinTtl = TimeSpan.FromSeconds(30), MaxTtl = TimeSpan.FromHours(1) }, timeProvider: clock);

        var low = await discovery.ResolveAsync("b.example");
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(30), low.ExpiresAt);

        network.Ttl = TimeSpan.FromDays(2);
        clock.Advance(TimeSpan.FromSeconds(31));
        var high = await discovery.ResolveAsync("b.example");
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), high.ExpiresAt);

        // The descriptor is valid for a day (TestPeer); 23.5 hours on, the answer ends with it.
        clock.Advance(TimeSpan.FromHours(23.5));
        var late = await discovery.ResolveAsync("b.example");
        Assert.Equal(late.Peer!.Descriptor.ExpiresAt, late.ExpiresAt);
    }

    [Fact]
    public async Task A_peer_is_kept_through_failures_for_at_most_max_stale_and_dropped_at_once_when_its_txt_record_goes()
    {
        using var peer = new TestPeer("b.example");
        var network = new FakeNetwork();
        network.Publish(peer);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var discovery = new DomainDiscovery(network, network, new DiscoveryOptions
        {
            MinTtl = TimeSpan.Zero,
            NegativeTtl = TimeSpan.FromSeconds(10),
            MaxStale = TimeSpan.FromMinutes(2),
        }, timeProvider: clock);
        Assert.True((await discovery.ResolveAsync("b.example")).IsFound);

        // The web server fails: the peer stays in use, asked for again every negative TTL, until 2 minutes past its expiry.
        network.WebDown = true;
        clock.Advance(TimeSpan.FromSeconds(61));
        var stale = await discovery.ResolveAsync("b.example");
        Assert.True(stale.IsFound);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(10), stale.ExpiresAt);
        clock.Advance(TimeSpan.FromSeconds(100));
        Assert.True((await discovery.ResolveAsync("b.example")).IsFound);
        clock.Advance(TimeSpan.FromSeconds(30));
        var gone = await discovery.ResolveAsync("b.example");
        Assert.Equal(DiscoveryFailure.DescriptorHttpStatus, gone.Failure);
        Assert.True(gone.IsTransient);
        Assert.Equal(2, discovery.Counters.StaleServed);

        // Back, then the TXT record withdrawn: the domain's own statement ends the peer at the next lookup.
        network.WebDown = false;
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.True((await discovery.ResolveAsync("b.example")).IsFound);
        network.WithdrawTxt("b.example");
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(DiscoveryFailure.DomainNotFound, (await discovery.ResolveAsync("b.example")).Failure); // no SRV in this network either
        Assert.Equal(2, discovery.Counters.StaleServed);
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_their_name_value_and_rule()
    {
        var cases = new (Action<DiscoveryOptions> Set, string Name)[]
        {
            (o => o.MinTtl = TimeSpan.FromSeconds(-1), "MinTtl"),
            (o => o.MaxTtl = TimeSpan.FromSeconds(10), "MaxTtl"),
            (o => o.NegativeTtl = TimeSpan.Zero, "NegativeTtl"),
            (o => o.PrefetchRatio = 0, "PrefetchRatio"),
            (o => o.MaxEntries = 0, "MaxEntries"),
            (o => o.LookupTimeout = TimeSpan.FromHours(1), "LookupTimeout"),
            (o => o.DnsEnabled = false, "DnsEnabled"),
            (o => o.StaticPeersPrecedence = (StaticPeersPrecedence)9, "StaticPeersPrecedence"),
        };
        foreach (var (set, name) in cases)
        {
            var options = new DiscoveryOptions();
            set(options);
            var error = Assert.Throws<ArgumentException>(options.Validate);
            Assert.StartsWith($"DiscoveryOptions.{name} is ", error.Message, StringComparison.Ordinal);
            Assert.Contains("it must be", error.Message, StringComparison.Ordinal);
        }

        var network = new Transports.Discovery.DiscoveryNetworkOptions { DnsRetries = 9 };
        Assert.StartsWith("DiscoveryNetworkOptions.DnsRetries is 9", Assert.Throws<ArgumentException>(network.Validate).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new DomainDiscovery(null, null, new DiscoveryOptions()));
    }
}
