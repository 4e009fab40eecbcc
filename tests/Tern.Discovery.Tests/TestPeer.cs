using System.Globalization;
using System.Security.Cryptography;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Discovery.Tests;

/// <summary>
/// A peer domain as the tests publish it: its keys (the agreement key can rotate under the same signing key), its signed
/// descriptor, and its DNS records as dnsmasq configuration lines.
/// </summary>
public sealed class TestPeer : IDisposable
{
    private readonly byte[] _signingSeed = RandomNumberGenerator.GetBytes(32);

    public TestPeer(string domain)
    {
        Domain = domain;
        Keys = DomainKeySet.FromSecrets(domain, _signingSeed, RandomNumberGenerator.GetBytes(32), DateTimeOffset.UtcNow);
    }

    public string Domain { get; }

    public DomainKeySet Keys { get; private set; }

    public Bytes32 AgreementKey => new(Keys.AgreementPublicKey);

    public Bytes32 Fingerprint => new(KeyFingerprintBytes(Keys));

    /// <summary>The host the SRV records point at.</summary>
    public string Node => "node." + Domain;

    /// <summary>A new agreement key under the same signing key (the TXT fingerprint stays), as a domain rotating it would.</summary>
    public DomainKeySet RotateAgreementKey()
    {
        var old = Keys;
        Keys = DomainKeySet.FromSecrets(Domain, _signingSeed, RandomNumberGenerator.GetBytes(32), DateTimeOffset.UtcNow);
        return old;
    }

    /// <summary>The signed descriptor document, issued at <paramref name="clock"/>'s time.</summary>
    public byte[] Document(IEnumerable<string>? notify = null, IEnumerable<string>? fetch = null, TimeSpan? validity = null, TimeProvider? clock = null)
        => SignedDescriptor.Sign(
            DomainDescriptor.For(Keys, notify ?? ["udp://127.0.0.1:7999"], fetch ?? ["tern+tcp://127.0.0.1:7998"], validity ?? TimeSpan.FromDays(1), clock),
            Keys);

    /// <summary>
    /// The domain's DNS records: TXT fingerprint (or <paramref name="txt"/> instead), SRV <c>_tern._udp</c> and
    /// <c>_tern._tcp</c> at <see cref="Node"/>, and addresses for the domain (its web server) and the node.
    /// </summary>
    public IEnumerable<string> Zone(int udpPort = 7400, int tcpPort = 7401, string? txt = null, bool srv = true)
    {
        yield return $"txt-record=_tern.{Domain},\"{txt ?? TernDnsRecords.FormatTxtValue(Fingerprint)}\"";
        if (srv)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"srv-host=_tern._udp.{Domain},{Node},{udpPort},10,10");
            yield return string.Create(CultureInfo.InvariantCulture, $"srv-host=_tern._tcp.{Domain},{Node},{tcpPort},10,10");
        }

        yield return $"host-record={Domain},127.0.0.1";
        yield return $"host-record={Node},127.0.0.1";
    }

    private static byte[] KeyFingerprintBytes(DomainKeySet keys)
    {
        var fingerprint = new byte[32];
        KeyFingerprint.Compute(keys.SigningPublicKey, fingerprint);
        return fingerprint;
    }

    public void Dispose() => Keys.Dispose();
}
