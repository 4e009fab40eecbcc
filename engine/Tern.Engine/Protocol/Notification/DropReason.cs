namespace Tern.Engine.Protocol.Notification;

/// <summary>
/// Why a datagram or one of its records was dropped (docs/PROTOCOL.md §4.4). Drops are silent on the wire
/// and counted by reason; <see cref="None"/> means accepted. The members are in the order a receiver checks
/// them: a datagram or record that breaks several rules is counted once, under the first.
/// </summary>
public enum DropReason : byte
{
    /// <summary>Accepted.</summary>
    None = 0,
    /// <summary>Shorter than the smallest well-formed datagram.</summary>
    TooShort,
    /// <summary>Longer than 1200 bytes.</summary>
    TooLong,
    /// <summary>Version byte is not 1.</summary>
    UnknownVersion,
    /// <summary>Type byte is not a known <see cref="DatagramType"/>.</summary>
    UnknownType,
    /// <summary>The source exceeded its rate.</summary>
    OverRate,
    /// <summary>A new sender key arrived while the budget for new key agreements was spent.</summary>
    ColdKeyBudget,
    /// <summary>Low-order sender key, or the AEAD did not open.</summary>
    Undecryptable,
    /// <summary>The opened body breaks the layout.</summary>
    Malformed,
    /// <summary><c>sent_at</c> is older than the replay window.</summary>
    Stale,
    /// <summary><c>sent_at</c> is further in the future than the tolerated skew.</summary>
    Future,
    /// <summary>The record's transit expiry has passed.</summary>
    Expired,
    /// <summary>The record's transit expiry is beyond the protocol maximum.</summary>
    ExpiryTooFar,
    /// <summary>The operator blocked the record's sender domain (receiver policy, docs/PROTOCOL.md §4.4).</summary>
    Blocked,
    /// <summary>The recipient ignores this sender.</summary>
    Ignored,
    /// <summary>The pending table's cap for the sender domain or recipient hash is reached.</summary>
    TableFull,
}
