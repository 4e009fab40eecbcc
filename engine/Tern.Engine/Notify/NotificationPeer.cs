using System.Net;
using Tern.Engine.Protocol;

namespace Tern.Engine.Notify;

/// <summary>
/// Where and to whom a domain's notifications go: its X25519 agreement key (datagrams are sealed to it) and its UDP
/// notification endpoint (docs/PROTOCOL.md §4.3, §6).
/// </summary>
/// <param name="Domain">The recipient domain.</param>
/// <param name="AgreementKey">The domain's X25519 public agreement key, from its verified descriptor.</param>
/// <param name="Endpoint">The domain's notification endpoint (<c>_tern._udp</c> SRV or the descriptor's <c>notify</c>).</param>
public sealed record NotificationPeer(string Domain, Bytes32 AgreementKey, IPEndPoint Endpoint)
{
    /// <summary>
    /// How long the answer holds (discovery's cache entry: DNS TTLs, the descriptor's expiry); the scheduler resolves the
    /// peer again after this or <see cref="NotificationSchedulerOptions.PeerRefreshInterval"/>, whichever comes first, so a
    /// changed key or endpoint is used once discovery has it. Null: only the refresh interval applies.
    /// </summary>
    public TimeSpan? ValidFor { get; init; }
}
