using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Transports.Fetch;

/// <summary>Certificates for the TLS doors.</summary>
public static class FetchCertificates
{
    /// <summary>
    /// A self-signed ECDSA P-256 server certificate for <paramref name="dnsName"/> (and 127.0.0.1, ::1), generated in
    /// process: for tests and loopback set-ups. Fetchers pin it by the SHA-256 the descriptor carries (docs/PROTOCOL.md
    /// §3 problem 3), not by a CA chain.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(string dnsName, TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dnsName);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now + (validity ?? TimeSpan.FromDays(365)));
    }

    /// <summary>SHA-256 of the DER certificate: the descriptor's <c>tls_cert_sha256</c> (docs/PROTOCOL.md §6.1).</summary>
    public static byte[] Sha256(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SHA256.HashData(certificate.RawData);
    }
}
