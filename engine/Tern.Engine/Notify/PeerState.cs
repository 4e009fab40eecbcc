using System.Net;
using Tern.Engine.Crypto;

namespace Tern.Engine.Notify;

/// <summary>
/// The scheduler's view of one recipient domain: the resolved key and endpoint, the derived sending key, and the records
/// due for it in the current round. Owned by the scheduler's loop.
/// </summary>
internal sealed class PeerState(string domain)
{
    public string Domain { get; } = domain;

    public PeerStatus Status { get; set; }

    /// <summary>The X25519 key the sending key was derived for.</summary>
    public NotificationPeer? Peer { get; set; }

    public IPEndPoint? Endpoint => Peer?.Endpoint;

    /// <summary>k(S→R) (docs/PROTOCOL.md §4.3), derived once per peer key; it keeps the subkey of this process's nonce prefix.</summary>
    public XChaCha20Poly1305Key SendingKey { get; } = new();

    public long ResolvedAtMs { get; set; }

    /// <summary>When the resolved answer is due for a refresh: the refresh interval or the answer's own validity, the earlier.</summary>
    public long RefreshAtMs { get; set; }

    /// <summary>When the pending resolution (<see cref="PeerStatus.Resolving"/>) was asked for.</summary>
    public long ResolvingSinceMs { get; set; }

    /// <summary>A background refresh is in flight (the current key and endpoint stay in use meanwhile).</summary>
    public bool Refreshing { get; set; }

    /// <summary>
    /// Datagram tokens of the peer's pacing bucket, and when they were last refilled (ms); NaN until first used. Below zero
    /// while records put off wait for their turn: each took its datagram's token in advance.
    /// </summary>
    public double Tokens { get; set; } = double.NaN;

    public long RefilledAtMs { get; set; }

    /// <summary>Listed in the scheduler's active peers for this round.</summary>
    public bool Active { get; set; }

    /// <summary>Records in the last full datagram of each kind sent to this peer (cut by the record or the byte limit); 0 until one is.</summary>
    public int NotificationsPerDatagram { get; set; }

    public int RetractionsPerDatagram { get; set; }

    public List<OutgoingRecord> Notifications { get; } = [];

    public List<OutgoingRecord> Retractions { get; } = [];

    public bool HasWork => Notifications.Count > 0 || Retractions.Count > 0;
}
