using Tern.Engine.Discovery;

namespace Tern.Discovery.Tests;

/// <summary>
/// What a failed lookup is cached for (docs/DISCOVERY.md, "Caching"), against dnsmasq on loopback: an NXDOMAIN or an empty
/// answer for the zone's negative TTL from its SOA record (RFC 2308 §5: min(SOA TTL, SOA MINIMUM), capped by
/// MaxNegativeTtl), SERVFAIL and a server that does not answer for the short ServerFailureRetry; and a CNAME loop a
/// resolver relays is a clear failure at once, not a hang. dnsmasq answers the first as the authority of its zone; the
/// others come from a scripted server behind it (<see cref="ScriptedDnsServer"/>), as a resolver relays an upstream's.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class NegativeCachingTests
{
    // dnsmasq as the authority of neg.example: every answer's TTL, and the SOA's TTL and MINIMUM, are auth-ttl (7 s).
    private static readonly string[] AuthoritativeZone =
    [
        "auth-server=ns.neg.example,127.0.0.1",
        "auth-zone=neg.example",
        "auth-ttl=7",
        "auth-soa=1,hostmaster.neg.example,1200,180,1209600",

        // _tern.nodata.neg.example exists, with no TXT record: NOERROR and no answer (NODATA).
        "srv-host=_tern.nodata.neg.example,node.neg.example,7400",
    ];

    [SkippableFact]
    public async Task Nxdomain_and_nodata_are_cached_for_the_zones_soa_negative_ttl_within_the_cap()
    {
        await using var harness = await DiscoveryHarness.StartAsync(AuthoritativeZone);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var discovery = harness.Discovery(options => (options.NegativeTtl, options.ServerFailureRetry) = (TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)), clock: clock);

        var missing = await discovery.ResolveAsync("missing.neg.example");
        Assert.Equal(DiscoveryFailure.DomainNotFound, missing.Failure);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(7), missing.ExpiresAt);

        var nodata = await discovery.ResolveAsync("nodata.neg.example");
        Assert.Equal(DiscoveryFailure.TxtMissing, nodata.Failure);
        Assert.Contains("NoRecords", nodata.Detail, StringComparison.Ordinal);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(7), nodata.ExpiresAt);

        // Within the zone's negative TTL the failure stands without a query; past it the domain is asked again.
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(DiscoveryFailure.DomainNotFound, (await discovery.ResolveAsync("missing.neg.example")).Failure);
        Assert.Equal(2, discovery.Counters.NetworkLookups);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(DiscoveryFailure.DomainNotFound, (await discovery.ResolveAsync("missing.neg.example")).Failure);
        Assert.Equal(3, discovery.Counters.NetworkLookups);

        // The cap: the zone's 7 s is cut to MaxNegativeTtl.
        var capped = harness.Discovery(options => (options.ServerFailureRetry, options.MaxNegativeTtl) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), clock: clock);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(3), (await capped.ResolveAsync("missing.neg.example")).ExpiresAt);
    }

    [SkippableFact]
    public async Task The_negative_ttl_is_the_smaller_of_the_soa_records_ttl_and_minimum()
    {
        using var longTtl = new ScriptedDnsServer(ScriptedDnsServer.Answer.NxDomainWithSoa, soaTtl: 9, soaMinimum: 4);
        using var longMinimum = new ScriptedDnsServer(ScriptedDnsServer.Answer.NxDomainWithSoa, soaTtl: 3, soaMinimum: 8);
        await using var harness = await DiscoveryHarness.StartAsync([longTtl.ForwardLine("one.example"), longMinimum.ForwardLine("two.example")]);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var discovery = harness.Discovery(options => (options.NegativeTtl, options.ServerFailureRetry) = (TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)), clock: clock);

        var one = await discovery.ResolveAsync("one.example");
        var two = await discovery.ResolveAsync("two.example");

        Assert.Equal(DiscoveryFailure.DomainNotFound, one.Failure);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(4), one.ExpiresAt);
        Assert.Equal(DiscoveryFailure.DomainNotFound, two.Failure);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(3), two.ExpiresAt);
    }

    [SkippableFact]
    public async Task Servfail_and_a_server_that_does_not_answer_are_retried_after_the_short_server_failure_retry()
    {
        using var failing = new ScriptedDnsServer(ScriptedDnsServer.Answer.ServerFailure);
        await using var harness = await DiscoveryHarness.StartAsync([failing.ForwardLine("sf.example")]);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var discovery = harness.Discovery(options => (options.NegativeTtl, options.ServerFailureRetry) = (TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2)), clock: clock);

        var servfail = await discovery.ResolveAsync("b.sf.example");
        Assert.Equal(DiscoveryFailure.DnsFailure, servfail.Failure);
        Assert.Contains("ServerFailure", servfail.Detail, StringComparison.Ordinal);
        Assert.True(servfail.IsTransient);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(2), servfail.ExpiresAt);
        Assert.True(failing.Queries > 0);

        // Kept for the retry time (no query), asked again after it.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DiscoveryFailure.DnsFailure, (await discovery.ResolveAsync("b.sf.example")).Failure);
        Assert.Equal(1, discovery.Counters.NetworkLookups);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(DiscoveryFailure.DnsFailure, (await discovery.ResolveAsync("b.sf.example")).Failure);
        Assert.Equal(2, discovery.Counters.NetworkLookups);

        // No answer at all (the server stopped): a timeout, cached as briefly.
        harness.Dns.Stop();
        var timeout = await discovery.ResolveAsync("c.example");
        Assert.Equal(DiscoveryFailure.DnsTimeout, timeout.Failure);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(2), timeout.ExpiresAt);
    }

    [SkippableFact]
    public async Task A_cname_loop_for_the_txt_and_srv_names_is_a_clear_dns_failure_in_bounded_time()
    {
        using var looping = new ScriptedDnsServer(ScriptedDnsServer.Answer.CnameLoop);
        await using var harness = await DiscoveryHarness.StartAsync([looping.ForwardLine("loop.example")]);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var discovery = harness.Discovery(options => (options.NegativeTtl, options.ServerFailureRetry) = (TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2)), clock: clock);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await discovery.ResolveAsync("b.loop.example");
        watch.Stop();

        Assert.Equal(DiscoveryFailure.DnsFailure, result.Failure);
        Assert.Contains("CNAME loop: _tern.b.loop.example → loop._tern.b.loop.example → _tern.b.loop.example", result.Detail, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");

        // What the zone serves, not a server away: kept for NegativeTtl, not retried in seconds.
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(60), result.ExpiresAt);
        Assert.Equal(0, harness.Web.Requests("b.loop.example"));
    }
}
