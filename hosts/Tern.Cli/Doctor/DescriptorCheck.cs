using Tern.Engine.Discovery;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Cli.Doctor;

/// <summary>
/// <c>tern doctor</c>'s look at <c>https://&lt;domain&gt;/.well-known/tern</c> (docs/PROTOCOL.md §6.2) as a peer sees it:
/// fetched through the same name servers, verified under the fingerprints DNS publishes (not the local ones: a peer
/// trusts DNS), and compared with the local key set and the SRV record.
/// </summary>
internal static class DescriptorCheck
{
    private const string Name = "descriptor";

    public static async Task<DoctorCheck> RunAsync(IDescriptorFetcher fetcher, DomainKeySet keys, IReadOnlyCollection<Bytes32> published, IReadOnlyCollection<int> notifyPorts, CancellationToken cancellationToken)
    {
        var location = $"https://{keys.Domain}/.well-known/tern";
        var download = await fetcher.FetchAsync(keys.Domain, cancellationToken).ConfigureAwait(false);
        if (download.Status != DescriptorDownloadStatus.Ok)
        {
            return new(Name, DoctorVerdict.Fail, $"{location}: {download.Status} ({download.Detail}); the node serves it on its HTTP door (docs/OPERATIONS.md, Tern:WellKnown)");
        }

        if (published.Count == 0)
        {
            return new(Name, DoctorVerdict.Fail, $"{location} answered, but DNS publishes no fingerprint to check it against (see the TXT check)");
        }

        var verification = SignedDescriptor.Verify(download.Body.Span, keys.Domain, DateTimeOffset.UtcNow, published);
        if (verification.Descriptor is not { } descriptor)
        {
            return new(Name, DoctorVerdict.Fail, $"{location} does not verify under the fingerprints DNS publishes: {verification}");
        }

        if (descriptor.AgreementKey != new Bytes32(keys.AgreementPublicKey))
        {
            return new(Name, DoctorVerdict.Fail, $"{location} names agreement key {descriptor.AgreementKey}, not this key set's {new Bytes32(keys.AgreementPublicKey)} (another node, or one not restarted since the keys changed)");
        }

        var ports = new List<int>();
        foreach (var entry in descriptor.Notify)
        {
            if (Uri.TryCreate(entry, UriKind.Absolute, out var uri) && uri.Port > 0)
            {
                ports.Add(uri.Port);
            }
        }

        if (notifyPorts.Count > 0 && !notifyPorts.Any(ports.Contains))
        {
            return new(Name, DoctorVerdict.Warn, $"{location} lists notify [{string.Join(", ", descriptor.Notify)}], but the SRV record names port(s) {string.Join(", ", notifyPorts)}");
        }

        return new(Name, DoctorVerdict.Ok, $"{location} verifies under the published fingerprint, with this key set's agreement key, notify [{string.Join(", ", descriptor.Notify)}], expires {descriptor.ExpiresAt:u}");
    }
}
