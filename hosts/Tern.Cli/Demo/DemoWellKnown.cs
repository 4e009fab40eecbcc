using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Cli.Demo;

/// <summary>
/// Reads a demo node's own <c>https://&lt;domain&gt;/.well-known/tern</c> (docs/PROTOCOL.md §6.2) as a peer does: TLS to the
/// domain's name under the demo's CA only, the document verified for the domain. The connection goes to 127.0.0.1 at
/// the node's HTTP door, where the demo's DNS sends every name.
/// </summary>
internal static class DemoWellKnown
{
    /// <summary>
    /// The descriptor <paramref name="node"/> serves, verified against <paramref name="fingerprints"/> (the node's own from
    /// <c>tern init</c> unless given: a key rotation changes it); throws <see cref="DemoException"/> if it serves none that verifies.
    /// </summary>
    public static async Task<DomainDescriptor> ReadAsync(DemoNode node, X509Certificate2 authority, IReadOnlyList<Bytes32>? fingerprints = null)
    {
        var port = IPEndPoint.Parse(node.Ports?.Http ?? throw new DemoException($"{node.Domain} has no HTTP door")).Port;
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(authority);
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        handler.SslOptions.CertificateChainPolicy = policy;
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var document = await client.GetByteArrayAsync(new Uri($"https://{node.Domain}/.well-known/tern")).ConfigureAwait(false);
        var verification = SignedDescriptor.Verify(document, node.Domain, DateTimeOffset.UtcNow, fingerprints ?? [node.FingerprintBytes]);
        return verification.Descriptor ?? throw new DemoException($"{node.Domain}'s node serves a descriptor that does not verify: {verification.Failure}");
    }
}
