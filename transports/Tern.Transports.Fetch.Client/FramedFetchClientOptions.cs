using System.Net.Security;

namespace Tern.Transports.Fetch.Client;

/// <summary>How a <see cref="FramedFetchClient"/> connects.</summary>
public sealed class FramedFetchClientOptions
{
    /// <summary>Whether to speak TLS (ALPN <c>tern/1</c>). Defaults to true; plain TCP is for loopback only (§8.2).</summary>
    public bool Tls { get; set; } = true;

    /// <summary>The TLS server name. Defaults to the host connected to.</summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// Certificate check, e.g. pinning the descriptor's <c>tls_cert_sha256</c>. Defaults to null: the system's chain
    /// validation.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }

    /// <summary>Time allowed to connect and exchange prefaces. Defaults to 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
