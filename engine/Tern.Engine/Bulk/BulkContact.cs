using System.Net;
using Tern.Engine.Contacts;

namespace Tern.Engine.Bulk;

/// <summary>
/// A contact with a peer gateway as the bulk sender uses it (docs/PROTOCOL.md §17): who, where, at what rate and light
/// time. The contact plan feeds these (<see cref="For"/>); the sender takes the figures as given.
/// </summary>
/// <param name="PeerGateway">The receiving gateway's domain, whose descriptor's signing key signs the receipt.</param>
/// <param name="PeerEndPoint">Where its bulk port listens.</param>
/// <param name="RateBitsPerSecond">The contact's rate in bits per second: the sender paces its datagrams to it.</param>
/// <param name="OneWayLightTime">The contact's one-way light time: the timers and the bound derive from it.</param>
public sealed record BulkContact(string PeerGateway, IPEndPoint PeerEndPoint, long RateBitsPerSecond, TimeSpan OneWayLightTime)
{
    /// <summary>
    /// When the contact ends, or null for open-ended: the earliest-arrival check declines what would arrive after, and a
    /// session still running then is cancelled. Defaults to null.
    /// </summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>The contact of a plan's window (<see cref="ContactWindow"/>: its destination, rate, light time and close) with the peer's bulk address.</summary>
    public static BulkContact For(ContactWindow window, IPEndPoint peerEndPoint) =>
        new(window.Destination, peerEndPoint, window.RateBitsPerSecond, window.OneWayLightTime) { End = window.Closes };
}
