using System.Net;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Discovery;

/// <summary>One peer of the static peers file, its descriptor verified when the file was read.</summary>
internal sealed class StaticPeerEntry
{
    public required string Domain { get; init; }

    public required DomainDescriptor Descriptor { get; init; }

    /// <summary>The fingerprints the file pins (empty when it pins none and the descriptor's own signature is the check).</summary>
    public required IReadOnlyList<Bytes32> Fingerprints { get; init; }

    /// <summary>The notification endpoint: the file's <c>notify</c>, else the descriptor's first IP-literal entry.</summary>
    public IPEndPoint? NotifyEndpoint { get; init; }

    public required IReadOnlyList<string> FetchDoors { get; init; }

    /// <summary>The answer for this peer at <paramref name="now"/>: found until its descriptor expires, or refused once it has.</summary>
    public DiscoveryResult ToResult(DateTimeOffset now, TimeSpan maxTtl, string file)
    {
        if (Descriptor.ExpiresAt <= now)
        {
            return DiscoveryResult.Fail(DiscoveryFailure.DescriptorInvalid, $"the descriptor of {Domain} in {file} expired at {Descriptor.ExpiresAt:O}; put a fresh one there", now + maxTtl, transient: false);
        }

        var peer = new DiscoveredPeer
        {
            Domain = Domain,
            Descriptor = Descriptor,
            NotifyEndpoint = NotifyEndpoint,
            NotifyEndpointProblem = NotifyEndpoint is null ? $"{file} gives no notify endpoint for {Domain} and its descriptor lists no udp:// entry with an IP address" : null,
            FetchDoors = FetchDoors,
            Fingerprints = Fingerprints.Count > 0 ? Fingerprints : [Descriptor.Fingerprint],
            Source = DiscoverySource.StaticFile,
        };
        var until = now + maxTtl;
        return DiscoveryResult.Found(peer, Descriptor.ExpiresAt < until ? Descriptor.ExpiresAt : until);
    }
}
