using Tern.Engine.Discovery;

namespace Tern.Discovery.Tests;

/// <summary>
/// DNS answers as a careless or hostile zone gives them (issue 14, "Bad input"), from a real dnsmasq: several Tern TXT
/// records that disagree, a malformed fingerprint, SRV records pointing at a name with no address or at port 0. Each is a
/// clear failure, or a peer found only through what verifies, and nothing crashes.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class HostileDnsTests
{
    [SkippableFact]
    public async Task Several_conflicting_txt_records_pool_their_fingerprints_and_only_the_descriptors_key_is_trusted()
    {
        using var b = new TestPeer("b.example");
        using var stranger = new TestPeer("b.example");
        var zone = b.Zone().Append($"txt-record=_tern.b.example,\"{Engine.Protocol.Descriptor.TernDnsRecords.FormatTxtValue(stranger.Fingerprint)}\"");
        await using var harness = await DiscoveryHarness.StartAsync(zone);

        // The descriptor signed by b.example's key verifies under its fingerprint; the stranger's fingerprint grants nothing more.
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()));
        var found = await harness.Discovery().ResolveAsync("b.example");
        Assert.True(found.IsFound, found.ToString());
        Assert.Equal(b.AgreementKey, found.Peer.AgreementKey);

        // Published fingerprints that none of them is the signer's refuse the document.
        using var impostor = new TestPeer("b.example");
        harness.Web.Set("b.example", WellKnownAnswer.Document(impostor.Document()));
        var refused = await harness.Discovery().ResolveAsync("b.example");
        Assert.Equal(DiscoveryFailure.FingerprintMismatch, refused.Failure);
    }

    [SkippableFact]
    public async Task A_malformed_fingerprint_is_txt_invalid_and_no_descriptor_is_fetched()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone(txt: "v=tern1; fp=not!base64url"));
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()));

        var result = await harness.Discovery().ResolveAsync("b.example");

        Assert.Equal(DiscoveryFailure.TxtInvalid, result.Failure);
        Assert.Equal(0, harness.Web.Requests("b.example"));
    }

    [SkippableTheory]
    [InlineData("srv-host=_tern._udp.b.example,nowhere.b.example,7400,10,10")]
    [InlineData("srv-host=_tern._udp.b.example,node.b.example,0,65535,65535")]
    public async Task An_unusable_srv_record_leaves_the_descriptors_notify_endpoint(string srv)
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone(srv: false).Append(srv));
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document(notify: ["udp://127.0.0.1:7600"])));

        var result = await harness.Discovery().ResolveAsync("b.example");

        Assert.True(result.IsFound, result.ToString());
        Assert.Equal(7600, result.Peer.NotifyEndpoint!.Port);
    }
}
