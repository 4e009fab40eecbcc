using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Transports.Discovery;

/// <summary>
/// A certificate authority made on the spot, standing in for the public CA that issues a real domain's web server its
/// certificate: it issues the certificates of the HTTPS endpoints that serve <c>/.well-known/tern</c>, and the nodes
/// trust it through <c>Tern:Node:DescriptorTrustedRoots</c> (a PEM file) instead of the system's store. The demo makes
/// one for each run; the tests one for each harness. Its key never leaves the process.
/// </summary>
public sealed class PrivateCertificateAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>A CA named <paramref name="commonName"/>, valid from an hour ago for <paramref name="lifetime"/> (a day by default).</summary>
    public PrivateCertificateAuthority(string commonName, TimeSpan? lifetime = null)
    {
        var request = new CertificateRequest("CN=" + commonName, _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        Certificate = request.CreateSelfSigned(now.AddHours(-1), now + (lifetime ?? TimeSpan.FromDays(1)));
    }

    /// <summary>The CA's certificate (no key): the trust root a node is given.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Writes the CA's certificate as PEM to <paramref name="path"/>, for a node to trust.</summary>
    public void WritePem(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");

    /// <summary>Writes a server certificate for <paramref name="names"/> with its key as PKCS #12 (no password, mode 0600) to <paramref name="path"/>: a node's <c>tls/fetch.pfx</c>.</summary>
    public void WritePkcs12(string path, params string[] names)
    {
        using var certificate = IssueServer(names);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>A TLS server certificate for <paramref name="names"/> (the first is its common name), valid for 12 hours, with its key.</summary>
    public X509Certificate2 IssueServer(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentOutOfRangeException.ThrowIfZero(names.Length);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + names[0], key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now.AddMinutes(-10), now.AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS #12: TLS on Linux wants a key it can hand to OpenSSL, which an ephemeral one is not.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>Disposes the CA's certificate and key; certificates it issued stay usable.</summary>
    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
