using System.Net;
using System.Text;
using Tern.Engine.Discovery;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Transports.Discovery;

namespace Tern.Discovery.Tests;

/// <summary>
/// The static peers file for air-gapped sites (docs/DISCOVERY.md): read and verified at start, used with DNS off, first or
/// as a fallback beside DNS, read again when it changes; every malformed file refused with the entry and rule named.
/// </summary>
public sealed class StaticPeersFileTests : IDisposable
{
    private readonly TempDirectory _temp = new("peers");
    private readonly string _directory;
    private readonly TestPeer _e = new("e.example");

    public StaticPeersFileTests() => _directory = _temp.Path;

    [Fact]
    public async Task With_dns_off_a_listed_peer_is_found_from_the_file_and_an_unlisted_one_is_not()
    {
        File.WriteAllBytes(Path.Combine(_directory, "e.tern"), _e.Document(notify: ["udp://node.e.example:7400"]));
        var file = Write($$"""
            {
              // e.example over the private link
              "peers": [
                { "domain": "e.example", "descriptor": "e.tern", "fingerprints": ["{{_e.Fingerprint}}"],
                  "notify": "udp://10.9.8.7:7400", "fetch": ["tern+tcp://10.9.8.7:7401"] }
              ]
            }
            """);
        using var self = DomainKeySet.Generate("a.example");
        using var known = new KnownPeerKeys(self);
        using var discovery = NetworkDiscovery.Create(new DiscoveryOptions { DnsEnabled = false, StaticPeersFile = file }, new DiscoveryNetworkOptions(), known);

        // Taught at start: the ingest knows the peer's key before anything is sent or pulled.
        Assert.Equal(1, known.Published);
        Assert.Equal(1, discovery.StaticPeerCount);

        var result = await discovery.ResolveAsync("e.example");
        Assert.True(result.IsFound, result.ToString());
        Assert.Equal(DiscoverySource.StaticFile, result.Peer.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.9.8.7"), 7400), result.Peer.NotifyEndpoint);
        Assert.Equal(["tern+tcp://10.9.8.7:7401", "tern+tcp://127.0.0.1:7998"], result.Peer.FetchDoors);
        Assert.Equal(_e.AgreementKey, (await discovery.NotificationPeers.ResolveAsync("e.example", default))!.AgreementKey);

        var unlisted = await discovery.ResolveAsync("f.example");
        Assert.Equal(DiscoveryFailure.NotListed, unlisted.Failure);
    }

    [SkippableFact]
    [Trait(TestCategory.Trait, TestCategory.Process)]
    public async Task First_the_file_wins_over_dns_and_as_a_fallback_it_answers_only_what_dns_cannot()
    {
        using var b = new TestPeer("b.example");
        using var pinned = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()));
        var file = Write($$"""
            {"peers": [
              {"domain": "b.example", "document": {{Encoding.UTF8.GetString(pinned.Document())}}},
              {"domain": "e.example", "document": {{Encoding.UTF8.GetString(_e.Document())}}}
            ]}
            """);

        var first = harness.Discovery(options => options.StaticPeersFile = file);
        Assert.Equal(pinned.AgreementKey, (await first.ResolveAsync("b.example")).Peer!.AgreementKey);
        Assert.Equal(0, harness.Web.Requests("b.example"));

        var fallback = harness.Discovery(options =>
        {
            options.StaticPeersFile = file;
            options.StaticPeersPrecedence = StaticPeersPrecedence.Fallback;
        });
        Assert.Equal(b.AgreementKey, (await fallback.ResolveAsync("b.example")).Peer!.AgreementKey);
        var fromFile = await fallback.ResolveAsync("e.example");
        Assert.Equal(DiscoverySource.StaticFile, fromFile.Peer!.Source);
        Assert.Equal(_e.AgreementKey, fromFile.Peer.AgreementKey);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "not json", "not JSON (line 1" },
        { "[]", "must be a JSON object" },
        { """{"peers": {}}""", "peers: missing, or not an array" },
        { """{"peers": [], "extra": 1}""", "extra: unknown member" },
        { """{"peers": [{"descriptor": "e.tern"}]}""", "peers[0]: has no \"domain\"" },
        { """{"peers": [{"domain": "E.example", "descriptor": "e.tern"}]}""", "peers[0].domain: 'E.example' is not a lower-case domain name" },
        { """{"peers": [{"domain": 7, "descriptor": "e.tern"}]}""", "peers[0].domain: must be a string, not Number" },
        { """{"peers": [{"domain": "e.example"}]}""", "needs exactly one of \"descriptor\"" },
        { """{"peers": [{"domain": "e.example", "descriptor": "missing.tern"}]}""", "missing.tern not found" },
        { """{"peers": [{"domain": "e.example", "descriptor": "e.tern", "fingerprints": ["AAAA"]}]}""", "peers[0].fingerprints: an entry is not a fingerprint" },
        { """{"peers": [{"domain": "e.example", "descriptor": "e.tern", "notify": "udp://node.e.example:7400"}]}""", "is not udp://<IP address>:<port>" },
        { """{"peers": [{"domain": "e.example", "descriptor": "e.tern", "fetch": "tern+tcp://x:1"}]}""", "peers[0].fetch: must be an array of strings" },
        { """{"peers": [{"domain": "e.example", "descriptor": "e.tern", "color": "red"}]}""", "peers[0].color: unknown member" },
        { """{"peers": [{"domain": "f.example", "descriptor": "e.tern"}]}""", "the descriptor of f.example is refused: DomainMismatch" },
        { """{"peers": [{"domain": "e.example", "descriptor": "e.tern"}, {"domain": "e.example", "descriptor": "e.tern"}]}""", "peers[1].domain: e.example is listed twice" },
        { """{"peers": [{"domain": "e.example", "descriptor": "forged.tern"}]}""", "BadSignature" },
        { """{"peers": [{"domain": "e.example", "descriptor": "big.tern"}]}""", "a signed descriptor is at most 16384" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_malformed_file_refuses_the_start_with_the_entry_and_rule_named(string content, string message)
    {
        File.WriteAllBytes(Path.Combine(_directory, "e.tern"), _e.Document());
        File.WriteAllBytes(Path.Combine(_directory, "forged.tern"), Documents.WithForgedSignature(_e.Document()));
        File.WriteAllBytes(Path.Combine(_directory, "big.tern"), new byte[20_000]);
        var file = Write(content);

        var error = Assert.Throws<StaticPeersFileException>(() => new DomainDiscovery(null, null, new DiscoveryOptions { DnsEnabled = false, StaticPeersFile = file }));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_file_is_read_again_and_a_bad_change_keeps_the_peers_read_before()
    {
        using var f = new TestPeer("f.example");
        File.WriteAllBytes(Path.Combine(_directory, "e.tern"), _e.Document());
        File.WriteAllBytes(Path.Combine(_directory, "f.tern"), f.Document());
        var file = Write("""{"peers": [{"domain": "e.example", "descriptor": "e.tern"}]}""");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var discovery = new DomainDiscovery(null, null, new DiscoveryOptions { DnsEnabled = false, StaticPeersFile = file, StaticPeersCheckInterval = TimeSpan.FromSeconds(5) }, timeProvider: clock);
        Assert.True((await discovery.ResolveAsync("e.example")).IsFound);

        File.WriteAllText(file, """{"peers": [{"domain": "f.example", "descriptor": "f.tern"}]}""");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True((await discovery.ResolveAsync("f.example")).IsFound);
        Assert.Equal(DiscoveryFailure.NotListed, (await discovery.ResolveAsync("e.example")).Failure);

        File.WriteAllText(file, """{"peers": [{"domain": "e.example", "descriptor": "e.tern", "oops": true}]}""");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(20));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True((await discovery.ResolveAsync("f.example")).IsFound);
        Assert.Equal(DiscoveryFailure.NotListed, (await discovery.ResolveAsync("e.example")).Failure);
    }

    [Fact]
    public async Task A_listed_descriptor_that_expires_while_running_is_refused_with_what_to_do()
    {
        File.WriteAllBytes(Path.Combine(_directory, "e.tern"), _e.Document(validity: TimeSpan.FromHours(1)));
        var file = Write("""{"peers": [{"domain": "e.example", "descriptor": "e.tern"}]}""");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var discovery = new DomainDiscovery(null, null, new DiscoveryOptions { DnsEnabled = false, StaticPeersFile = file, StaticPeersCheckInterval = TimeSpan.FromDays(1) }, timeProvider: clock);

        clock.Advance(TimeSpan.FromHours(2));
        var result = await discovery.ResolveAsync("e.example");

        Assert.Equal(DiscoveryFailure.DescriptorInvalid, result.Failure);
        Assert.Contains("put a fresh one there", result.Detail, StringComparison.Ordinal);
    }

    private string Write(string content)
    {
        var path = Path.Combine(_directory, "peers.json");
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        _e.Dispose();
        _temp.Dispose();
    }
}
