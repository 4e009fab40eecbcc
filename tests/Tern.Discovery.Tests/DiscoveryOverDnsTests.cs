using System.Net;
using Tern.Engine.Discovery;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;

namespace Tern.Discovery.Tests;

/// <summary>
/// The whole chain against a real DNS server and a real HTTPS well-known endpoint (docs/PROTOCOL.md §3 problem 1, §6):
/// SRV and TXT, the signed descriptor, verification, and what reaches the scheduler, the puller and the known-key table.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class DiscoveryOverDnsTests
{
    [SkippableFact]
    public async Task A_published_domain_is_found_with_its_key_srv_endpoint_and_doors_and_taught_to_the_known_keys()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone(udpPort: 7400, tcpPort: 7401), ttl: 120);
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document(fetch: ["https://b.example:7443"])));
        using var self = DomainKeySet.Generate("a.example");
        using var known = new KnownPeerKeys(self);
        var discovery = harness.Discovery(known: known);

        var result = await discovery.ResolveAsync("B.Example.");

        Assert.True(result.IsFound, result.ToString());
        var peer = result.Peer;
        Assert.Equal("b.example", peer.Domain);
        Assert.Equal(b.AgreementKey, peer.AgreementKey);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7400), peer.NotifyEndpoint);
        Assert.Equal(["https://b.example:7443", "tern+tcp://node.b.example:7401"], peer.FetchDoors);
        Assert.Equal([b.Fingerprint], peer.Fingerprints);
        Assert.Equal(DiscoverySource.Dns, peer.Source);
        Assert.Equal(1, known.Published);

        // The TTL bounds the answer (120 s from dnsmasq), well inside the descriptor's day.
        Assert.InRange(result.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(121));

        // What the scheduler and the puller get.
        var notify = await discovery.NotificationPeers.ResolveAsync("b.example", default);
        Assert.NotNull(notify);
        Assert.Equal(b.AgreementKey, notify.AgreementKey);
        Assert.Equal(7400, notify.Endpoint.Port);
        Assert.InRange(notify.ValidFor!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(121));
        var descriptor = await discovery.Descriptors.ResolveAsync("b.example", default);
        Assert.NotNull(descriptor);
        Assert.Equal(b.AgreementKey, descriptor.AgreementKey);
        Assert.Contains("tern+tcp://node.b.example:7401", descriptor.Fetch);

        // All of it from one lookup: one descriptor fetch, the rest cache hits.
        Assert.Equal(1, harness.Web.Requests("b.example"));
        Assert.Equal(1, discovery.Counters.NetworkLookups);
        Assert.Equal(2, discovery.Counters.CacheHits);
    }

    [SkippableFact]
    public async Task Concurrent_lookups_of_one_domain_are_joined_into_one()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()) with { Delay = TimeSpan.FromMilliseconds(300) });
        var discovery = harness.Discovery();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => discovery.ResolveAsync("b.example").AsTask()));

        Assert.All(results, result => Assert.Equal(b.AgreementKey, result.Peer?.AgreementKey));
        Assert.Equal(1, harness.Web.Requests("b.example"));
        Assert.Equal(1, discovery.Counters.NetworkLookups);
        Assert.Equal(15, discovery.Counters.Coalesced);
    }

    [SkippableFact]
    public async Task Without_an_srv_record_the_descriptor_notify_entry_is_used()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone(srv: false));
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document(notify: ["udp://node.b.example:7500"])));
        var discovery = harness.Discovery();

        var result = await discovery.ResolveAsync("b.example");

        Assert.True(result.IsFound, result.ToString());
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7500), result.Peer.NotifyEndpoint);
        Assert.Equal(["tern+tcp://127.0.0.1:7998"], result.Peer.FetchDoors);
    }

    [SkippableFact]
    public async Task A_domain_with_no_notify_endpoint_anywhere_can_be_pulled_from_but_not_notified()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone(srv: false));
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document(notify: ["quic://127.0.0.1:7500"])));
        var discovery = harness.Discovery();

        var result = await discovery.ResolveAsync("b.example");

        Assert.True(result.IsFound, result.ToString());
        Assert.Null(result.Peer.NotifyEndpoint);
        Assert.Contains("no SRV record at _tern._udp.b.example.", result.Peer.NotifyEndpointProblem, StringComparison.Ordinal);
        Assert.Null(await discovery.NotificationPeers.ResolveAsync("b.example", default));
        Assert.NotNull(await discovery.Descriptors.ResolveAsync("b.example", default));
    }

    [SkippableFact]
    public async Task A_txt_fingerprint_that_is_not_the_descriptors_signing_key_refuses_it()
    {
        using var b = new TestPeer("b.example");
        using var impostor = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        harness.Web.Set("b.example", WellKnownAnswer.Document(impostor.Document()));
        using var self = DomainKeySet.Generate("a.example");
        using var known = new KnownPeerKeys(self);
        var discovery = harness.Discovery(known: known);

        var result = await discovery.ResolveAsync("b.example");

        Assert.Equal(DiscoveryFailure.FingerprintMismatch, result.Failure);
        Assert.Contains("is not trusted", result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, known.Published);
        Assert.Null(await discovery.NotificationPeers.ResolveAsync("b.example", default));
        Assert.Null(await discovery.Descriptors.ResolveAsync("b.example", default));
    }

    [SkippableFact]
    public async Task A_descriptor_whose_signature_does_not_verify_is_refused()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        harness.Web.Set("b.example", WellKnownAnswer.Document(Documents.WithForgedSignature(b.Document())));
        var discovery = harness.Discovery();

        var result = await discovery.ResolveAsync("b.example");

        Assert.Equal(DiscoveryFailure.SignatureInvalid, result.Failure);
        Assert.False(result.IsTransient);
    }

    [SkippableFact]
    public async Task A_domain_without_a_txt_record_is_refused_and_so_is_one_whose_txt_record_is_bad()
    {
        using var b = new TestPeer("b.example");
        using var c = new TestPeer("c.example");
        var zone = b.Zone().Skip(1).Concat(c.Zone(txt: "v=tern1; fp=not-a-fingerprint"));
        await using var harness = await DiscoveryHarness.StartAsync(zone);
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()));
        harness.Web.Set("c.example", WellKnownAnswer.Document(c.Document()));
        var discovery = harness.Discovery();

        var missing = await discovery.ResolveAsync("b.example");
        var bad = await discovery.ResolveAsync("c.example");

        Assert.Equal(DiscoveryFailure.TxtMissing, missing.Failure);
        Assert.Contains("_tern.b.example.", missing.Detail, StringComparison.Ordinal);
        Assert.Equal(DiscoveryFailure.TxtInvalid, bad.Failure);
        Assert.Contains("BadFingerprint", bad.Detail, StringComparison.Ordinal);
        Assert.Equal(0, harness.Web.Requests("b.example") + harness.Web.Requests("c.example"));
    }

    [SkippableFact]
    public async Task Nxdomain_is_cached_for_the_negative_ttl_and_a_domain_published_meanwhile_is_found_after_it()
    {
        using var b = new TestPeer("b.example");
        using var d = new TestPeer("d.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        harness.Web.Set("d.example", WellKnownAnswer.Document(d.Document()));
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var discovery = harness.Discovery(options => options.NegativeTtl = TimeSpan.FromSeconds(30), clock: clock);

        var first = await discovery.ResolveAsync("d.example");
        Assert.Equal(DiscoveryFailure.DomainNotFound, first.Failure);
        Assert.Contains("NXDOMAIN", first.Detail, StringComparison.Ordinal);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(30), first.ExpiresAt);

        // d.example publishes its records; within the negative TTL the failure stands without a query.
        await harness.Dns.RestartAsync(b.Zone().Concat(d.Zone()));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(DiscoveryFailure.DomainNotFound, (await discovery.ResolveAsync("d.example")).Failure);
        Assert.Equal(1, discovery.Counters.NetworkLookups);

        clock.Advance(TimeSpan.FromSeconds(2));
        var found = await discovery.ResolveAsync("d.example");
        Assert.True(found.IsFound, found.ToString());
        Assert.Equal(d.AgreementKey, found.Peer.AgreementKey);
        Assert.Equal(2, discovery.Counters.NetworkLookups);
    }

    [SkippableFact]
    public async Task With_the_dns_server_stopped_a_lookup_fails_within_bounded_time_and_a_known_peer_is_kept()
    {
        using var b = new TestPeer("b.example");
        using var c = new TestPeer("c.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone().Concat(c.Zone()));
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()));
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var discovery = harness.Discovery(options => options.MaxStale = TimeSpan.FromHours(1), clock: clock);
        Assert.True((await discovery.ResolveAsync("b.example")).IsFound);

        harness.Dns.Stop();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var unknown = await discovery.ResolveAsync("c.example");
        watch.Stop();

        // DnsTimeout 500 ms, no retry, the TXT and SRV queries side by side: well under the 20 s lookup bound.
        Assert.Equal(DiscoveryFailure.DnsTimeout, unknown.Failure);
        Assert.True(unknown.IsTransient);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");

        // Past its TTL with DNS away, the descriptor is checked against the fingerprints of the last contact (§6.2; the
        // connection to the web server is still pooled) and the answer is kept only for the negative TTL.
        clock.Advance(TimeSpan.FromSeconds(61));
        var remembered = await discovery.ResolveAsync("b.example");
        Assert.True(remembered.IsFound, remembered.ToString());
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(5), remembered.ExpiresAt);
        Assert.Equal(0, discovery.Counters.StaleServed);

        // With the web server failing too, the peer found before stays in use (serve-stale), not forgotten.
        harness.Web.Set("b.example", new WellKnownAnswer(503, []));
        clock.Advance(TimeSpan.FromSeconds(6));
        var kept = await discovery.ResolveAsync("b.example");
        Assert.True(kept.IsFound, kept.ToString());
        Assert.Equal(b.AgreementKey, kept.Peer.AgreementKey);
        Assert.Equal(1, discovery.Counters.StaleServed);
    }

    [SkippableFact]
    public async Task A_descriptor_server_that_does_not_answer_is_cut_at_the_descriptor_timeout()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()) with { Delay = TimeSpan.FromSeconds(30) });
        var network = harness.Network();
        network.DescriptorTimeout = TimeSpan.FromSeconds(2);
        var discovery = harness.Discovery(network: network);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await discovery.ResolveAsync("b.example");

        Assert.Equal(DiscoveryFailure.DescriptorTimeout, result.Failure);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [SkippableFact]
    public async Task The_test_ca_is_refused_without_its_trust_root_and_a_certificate_for_another_name_is_refused()
    {
        using var b = new TestPeer("b.example");
        using var x = new TestPeer("x.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone().Concat(x.Zone()));
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()));
        harness.Web.Set("x.example", WellKnownAnswer.Document(x.Document()));

        // Production configuration: the system's trust store, which does not hold the test CA.
        var production = harness.Discovery(network: harness.Network(trustTestCa: false));
        var untrusted = await production.ResolveAsync("b.example");
        Assert.Equal(DiscoveryFailure.DescriptorUnreachable, untrusted.Failure);
        Assert.Contains("certificate", untrusted.Detail, StringComparison.OrdinalIgnoreCase);

        // The test CA trusted, but the server's certificate does not name x.example.
        var wrongName = await harness.Discovery().ResolveAsync("x.example");
        Assert.Equal(DiscoveryFailure.DescriptorUnreachable, wrongName.Failure);
        Assert.Contains("certificate", wrongName.Detail, StringComparison.OrdinalIgnoreCase);
    }
}
