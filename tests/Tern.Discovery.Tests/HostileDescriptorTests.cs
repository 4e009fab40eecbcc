using System.Diagnostics;
using System.Text;
using Tern.Engine.Discovery;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Discovery.Tests;

/// <summary>
/// The well-known endpoint as an adversary runs it (issue 14, "Bad input"): redirects off the domain, to http: and in a
/// loop; another page type; JSON bombs within the size limit; documents signed by another key, expired or for another
/// domain; a server that trickles its body or its headers. Each is a clear <see cref="DiscoveryFailure"/> within the
/// configured deadline, and nothing is learnt from it. (A certificate not chaining to the trusted roots, the body over
/// the size limit and a server that never answers are in DiscoveryOverDnsTests and HostileAnswerTests.)
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class HostileDescriptorTests
{
    public static TheoryData<string, DiscoveryFailure, string> Answers => new()
    {
        { "redirect-off-domain", DiscoveryFailure.DescriptorHttpStatus, "only redirects on b.example itself are followed" },
        { "redirect-to-http", DiscoveryFailure.DescriptorHttpStatus, "only https is followed" },
        { "redirect-loop", DiscoveryFailure.DescriptorHttpStatus, "more than 3 redirects" },
        { "redirect-without-location", DiscoveryFailure.DescriptorHttpStatus, "without a Location" },
        { "html", DiscoveryFailure.DescriptorHttpStatus, "Content-Type text/html" },
        { "deep-nesting", DiscoveryFailure.DescriptorInvalid, "" },
        { "huge-string", DiscoveryFailure.DescriptorTooLarge, "" },
        { "duplicate-keys", DiscoveryFailure.DescriptorInvalid, "" },
        { "another-key", DiscoveryFailure.FingerprintMismatch, "" },
        { "expired", DiscoveryFailure.DescriptorInvalid, "" },
        { "another-domain", DiscoveryFailure.DescriptorInvalid, "" },
    };

    [SkippableTheory]
    [MemberData(nameof(Answers))]
    public async Task A_hostile_answer_is_a_clear_failure_and_teaches_nothing(string kind, DiscoveryFailure expected, string detail)
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        using var self = DomainKeySet.Generate("a.example");
        using var known = new KnownPeerKeys(self);
        harness.Web.Set("b.example", Hostile(kind, b, harness.Web.Port));
        harness.Web.Set("c.example", WellKnownAnswer.Document(b.Document()));

        var result = await harness.Discovery(known: known).ResolveAsync("b.example");

        Assert.False(result.IsFound, result.ToString());
        Assert.Equal(expected, result.Failure);
        Assert.Contains(detail, result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, known.Published);
        if (kind == "redirect-off-domain")
        {
            // The other host was never asked: the redirect was refused, not followed and then doubted.
            Assert.Equal(0, harness.Web.Requests("c.example"));
        }
    }

    [SkippableFact]
    public async Task A_body_trickled_byte_by_byte_is_cut_at_the_descriptor_timeout()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        harness.Web.Set("b.example", WellKnownAnswer.Document(b.Document()) with { Trickle = TimeSpan.FromMilliseconds(100) });
        var network = harness.Network();
        network.ConnectTimeout = TimeSpan.FromMilliseconds(500);
        network.DescriptorTimeout = TimeSpan.FromSeconds(1);

        var clock = Stopwatch.StartNew();
        var result = await harness.Discovery(network: network).ResolveAsync("b.example");

        Assert.Equal(DiscoveryFailure.DescriptorTimeout, result.Failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed} against a 1 s deadline");
    }

    [SkippableFact]
    public async Task Headers_trickled_byte_by_byte_are_cut_at_the_descriptor_timeout()
    {
        using var b = new TestPeer("b.example");
        await using var harness = await DiscoveryHarness.StartAsync(b.Zone());
        using var certificate = harness.Certificates.IssueServer("b.example");
        using var slow = new TricklingTlsServer(certificate, TimeSpan.FromMilliseconds(100));
        var network = harness.Network();
        network.DescriptorPort = slow.Port;
        network.ConnectTimeout = TimeSpan.FromMilliseconds(500);
        network.DescriptorTimeout = TimeSpan.FromSeconds(1);

        var clock = Stopwatch.StartNew();
        var result = await harness.Discovery(network: network).ResolveAsync("b.example");

        Assert.Equal(DiscoveryFailure.DescriptorTimeout, result.Failure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed} against a 1 s deadline");
        Assert.Equal(1, slow.Connections);
    }

    private static WellKnownAnswer Hostile(string kind, TestPeer b, int port)
    {
        var document = b.Document();
        return kind switch
        {
            "redirect-off-domain" => new WellKnownAnswer(302, []) { Location = $"https://c.example:{port}/.well-known/tern" },
            "redirect-to-http" => new WellKnownAnswer(301, []) { Location = $"http://b.example:{port}/.well-known/tern" },
            "redirect-loop" => new WellKnownAnswer(307, []) { Location = $"https://b.example:{port}/.well-known/tern" },
            "redirect-without-location" => new WellKnownAnswer(302, []),
            "html" => new WellKnownAnswer(200, document) { ContentType = "text/html" },
            "deep-nesting" => new WellKnownAnswer(200, Encoding.ASCII.GetBytes(new string('[', 8000) + new string(']', 8000))),
            "huge-string" => new WellKnownAnswer(200, Encoding.ASCII.GetBytes("{\"descriptor\":\"" + new string('A', 16000) + "\",\"signature\":\"\"}")),
            "duplicate-keys" => new WellKnownAnswer(200, DuplicateDescriptorKey(document)),
            "another-key" => WellKnownAnswer.Document(Impostor(b)),
            "expired" => WellKnownAnswer.Document(b.Document(validity: TimeSpan.FromHours(1), clock: new Tern.Testing.ManualClock(DateTimeOffset.UtcNow.AddDays(-1)))),
            "another-domain" => WellKnownAnswer.Document(ForAnotherDomain(b)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>The signed document with its <c>descriptor</c> member given twice (a parser keeping the last would read another).</summary>
    private static byte[] DuplicateDescriptorKey(byte[] document)
    {
        var text = Encoding.UTF8.GetString(document);
        var brace = text.IndexOf('{', StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text[..(brace + 1)] + "\"descriptor\":\"e30\"," + text[(brace + 1)..]);
    }

    /// <summary>A descriptor for b.example signed by a key DNS does not name.</summary>
    private static byte[] Impostor(TestPeer b)
    {
        using var other = new TestPeer(b.Domain);
        return other.Document();
    }

    /// <summary>b.example's key signing a descriptor that says it is c.example's.</summary>
    private static byte[] ForAnotherDomain(TestPeer b)
    {
        var own = DomainDescriptor.For(b.Keys, ["udp://127.0.0.1:7999"], ["tern+tcp://127.0.0.1:7998"], TimeSpan.FromDays(1));
        var other = new DomainDescriptor
        {
            Domain = "c.example",
            SigningKey = own.SigningKey,
            AgreementKey = own.AgreementKey,
            Protocols = own.Protocols,
            Notify = own.Notify,
            Fetch = own.Fetch,
            MaxTransitSeconds = own.MaxTransitSeconds,
            IssuedAt = own.IssuedAt,
            ExpiresAt = own.ExpiresAt,
        };
        return SignedDescriptor.Sign(other, b.Keys);
    }
}
