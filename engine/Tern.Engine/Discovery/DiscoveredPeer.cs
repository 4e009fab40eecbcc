using System.Net;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Discovery;

/// <summary>
/// A domain as discovery found it: its verified descriptor (keys, policies), where its notifications go and the fetch
/// doors a puller may use (docs/PROTOCOL.md §3 problem 1, §6).
/// </summary>
public sealed class DiscoveredPeer
{
    /// <summary>The domain, normalized.</summary>
    public required string Domain { get; init; }

    /// <summary>The descriptor, verified: signature, fingerprint, domain and expiry (§6.2).</summary>
    public required DomainDescriptor Descriptor { get; init; }

    /// <summary>The X25519 key notifications to this domain are sealed to (the descriptor's <c>agreement_key</c>).</summary>
    public Bytes32 AgreementKey => Descriptor.AgreementKey;

    /// <summary>
    /// The notification endpoint: the <c>_tern._udp</c> SRV target's address, or failing that the descriptor's first usable
    /// <c>notify</c> entry (§3 problem 1); null when neither gives one (the peer can still be pulled from).
    /// </summary>
    public IPEndPoint? NotifyEndpoint { get; init; }

    /// <summary>Why <see cref="NotifyEndpoint"/> is null, for logs.</summary>
    public string? NotifyEndpointProblem { get; init; }

    /// <summary>Fetch doors: the descriptor's <c>fetch</c> entries, then the <c>_tern._tcp</c> SRV door when it adds one.</summary>
    public required IReadOnlyList<string> FetchDoors { get; init; }

    /// <summary>The fingerprints the descriptor was checked against (the TXT record's, or the peers file's).</summary>
    public required IReadOnlyList<Bytes32> Fingerprints { get; init; }

    /// <summary>Where the answer came from.</summary>
    public DiscoverySource Source { get; init; }

    private DomainDescriptor? _pull;

    /// <summary>The descriptor as the pull side consumes it: its <c>fetch</c> list replaced by <see cref="FetchDoors"/>.</summary>
    public DomainDescriptor PullDescriptor() => _pull ??= ForPull();

    private DomainDescriptor ForPull()
    {
        if (FetchDoors.SequenceEqual(Descriptor.Fetch))
        {
            return Descriptor;
        }

        // Every other field as discovery verified it (the rotation's keys and window included, §16.4).
        return new DomainDescriptor(Descriptor) { Fetch = FetchDoors };
    }
}
