using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tern.Engine.Keys;
using Tern.Discovery.Tests;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Transit;
using Tern.Transports.Discovery;

namespace Tern.Node.Tests;

/// <summary>
/// Two nodes and a real DNS server: a.example finds b.example only through DNS (TXT, no SRV) and the descriptor b.example's
/// own node serves at <c>https://b.example/.well-known/tern</c> (docs/PROTOCOL.md §6.2), under a certificate of a test
/// CA; b.example then moves its notification endpoint by editing its settings file (no restart), and later restarts
/// with a new agreement key; a.example, never restarted, follows both.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class ServedDescriptorTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestDomain _a = new("a.example");
    private readonly TestDomain _b = new("b.example");
    private readonly PrivateCertificateAuthority _ca = new("Tern Test CA", TimeSpan.FromDays(2));

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _ca.Dispose();
    }

    private string WellKnownFile => Path.Combine(_b.DataDirectory, "wellknown.json");

    [SkippableFact]
    public async Task A_node_finds_another_through_dns_and_its_served_descriptor_and_follows_a_moved_endpoint_and_a_new_agreement_key_without_restart()
    {
        DnsmasqServer.RequireBinary();
        Directory.CreateDirectory(Path.Combine(_b.DataDirectory, "tls"));
        using (var certificate = _ca.IssueServer("b.example"))
        {
            File.WriteAllBytes(Path.Combine(_b.DataDirectory, "tls", "fetch.pfx"), certificate.Export(X509ContentType.Pkcs12));
        }

        File.WriteAllText(WellKnownFile, "{}");
        _ca.WritePem(Path.Combine(_a.DataDirectory, "ca.pem"));
        string fingerprint;
        using (var keys = DomainKeySet.Load(TernDataDirectory.Keys(_b.DataDirectory)))
        {
            fingerprint = keys.Fingerprint;
        }

        // The zone has b.example's fingerprint and address and no SRV record: the notification endpoint exists only in
        // the descriptor b.example's node serves.
        using var dns = await DnsmasqServer.StartAsync(_a.DataDirectory,
            [$"txt-record=_tern.b.example,\"{TernDnsRecords.FormatTxtValue(Bytes32.Parse(fingerprint))}\"", "host-record=b.example,127.0.0.1"], ttl: 1);

        var b = await StartBAsync(httpPort: 0);
        var bNode = b.Services.GetRequiredService<TernNode>();
        var httpPort = bNode.HttpEndPoint!.Port;
        IHost? restarted = null;
        try
        {
            await using var a = await InProcessNode.StartAsync(_a.Settings(
                ("Tern:Discovery:DnsEnabled", "true"),
                ("Tern:Node:NameServers:0", dns.EndPoint.ToString()),
                ("Tern:Node:DescriptorTrustedRoots", "ca.pem"),
                ("Tern:DiscoveryNetwork:DescriptorPort", httpPort.ToString(CultureInfo.InvariantCulture)),
                ("Tern:Discovery:MinTtl", "00:00:00"),
                ("Tern:Discovery:MaxTtl", "00:00:01"),
                ("Tern:Discovery:NegativeTtl", "00:00:00.200"),
                ("Tern:Delivery:PeerRefreshInterval", "00:00:01")));

            // 1. Found through DNS and the served descriptor: b.example files the first reference.
            var first = await SubmitAsync(a);
            await Eventually.AssertAsync(() => bNode.Pending.Count == 1, Patience);

            // 2. b.example's operator moves the notification endpoint in the settings file: the node signs and serves a new
            // descriptor at once, and a.example's retransmissions go to the new endpoint once its cache entry runs out.
            using var moved = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var movedTo = $"udp://{moved.Client.LocalEndPoint}";
            var before = bNode.ServedDescriptor!.Value.ToArray();
            WriteWellKnown($"{{\"Tern\": {{\"WellKnown\": {{\"Notify\": [\"{movedTo}\"]}}}}}}");
            await Eventually.AssertAsync(() => !bNode.ServedDescriptor!.Value.Span.SequenceEqual(before), Patience);
            var served = SignedDescriptor.Verify(bNode.ServedDescriptor!.Value.Span, "b.example", DateTimeOffset.UtcNow, [Bytes32.Parse(fingerprint)]);
            Assert.Equal([movedTo], served.Descriptor!.Notify);
            using (var received = new CancellationTokenSource(Patience))
            {
                var datagram = await moved.ReceiveAsync(received.Token);
                Assert.NotEmpty(datagram.Buffer);
            }

            Assert.Equal(DeliveryState.Outstanding, a.Node.Store.GetDelivery(first)!.Value.State);

            // 3. b.example restarts with a new agreement key (same signing key: DNS does not change) and its bound port
            // back in the descriptor. a.example, not restarted, seals the next message to the new key, which b.example files.
            await b.StopAsync();
            b.Dispose();
            WriteWellKnown("{}");
            var oldAgreement = RotateAgreementKey();
            restarted = await StartBAsync(httpPort);
            var bAgain = restarted.Services.GetRequiredService<TernNode>();
            var rotated = SignedDescriptor.Verify(bAgain.ServedDescriptor!.Value.Span, "b.example", DateTimeOffset.UtcNow, [Bytes32.Parse(fingerprint)]).Descriptor!;
            Assert.NotEqual(oldAgreement, rotated.AgreementKey);
            Assert.Equal([$"udp://{bAgain.NotifyEndPoint}"], rotated.Notify);
            var pendingAtRestart = bAgain.Pending.Count;
            var second = await SubmitAsync(a);
            await Eventually.AssertAsync(() => bAgain.Pending.Count > pendingAtRestart, Patience);
            Assert.NotEqual(first, second);
        }
        finally
        {
            if (restarted is not null)
            {
                await restarted.StopAsync();
                restarted.Dispose();
            }
            else
            {
                await b.StopAsync();
                b.Dispose();
            }
        }
    }

    private async Task<IHost> StartBAsync(int httpPort)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(_b.Settings(
            ("Tern:Node:HttpEndpoint", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{httpPort}")),
            ("Tern:Node:HttpTls", "true"),
            ("Tern:Node:PullPreference", "WhenRequested"),
            ("Tern:WellKnown:CacheMaxAge", "00:00:00")));
        builder.Configuration.AddJsonFile(WellKnownFile, optional: false, reloadOnChange: true);
        builder.Services.AddTernNode(builder.Configuration);
        return await builder.Build().StartOrDisposeAsync();
    }

    /// <summary>Written whole then renamed, as an operator's editor does.</summary>
    private void WriteWellKnown(string json)
    {
        File.WriteAllText(WellKnownFile + ".new", json);
        File.Move(WellKnownFile + ".new", WellKnownFile, overwrite: true);
    }

    /// <summary>Replaces b.example's agreement key in its key file, keeping the signing key; returns the old public key.</summary>
    private Bytes32 RotateAgreementKey()
    {
        var directory = TernDataDirectory.Keys(_b.DataDirectory);
        Bytes32 old;
        using (var keys = DomainKeySet.Load(directory))
        {
            old = new Bytes32(keys.AgreementPublicKey);
        }

        using var temporary = new TempDirectory("rotated-key");
        using (var fresh = DomainKeySet.Generate("b.example"))
        {
            fresh.Save(temporary.Path);
        }

        var replacement = File.ReadAllLines(Path.Combine(temporary.Path, DomainKeySet.SecretFileName)).Single(l => l.StartsWith("agreement", StringComparison.Ordinal));
        var secret = Path.Combine(directory, DomainKeySet.SecretFileName);
        var lines = File.ReadAllLines(secret).Select(l => l.StartsWith("agreement", StringComparison.Ordinal) ? replacement : l);
        File.WriteAllLines(secret, lines);
        return old;
    }

    private static async Task<FetchCapability> SubmitAsync(InProcessNode a)
    {
        var submitted = await a.Node.Store.SubmitAsync(new SubmissionRequest
        {
            Account = "alice",
            Recipients = [new TransitRecipient("b.example", RecipientHash.NewRandom())],
            TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
            MimeHint = "application/octet-stream",
        }, new MemoryStream(new byte[1000]));
        a.Node.Scheduler.Schedule(submitted);
        return submitted.Capabilities[0];
    }
}
