namespace Tern.Engine.Transit;

/// <summary>Where one delivery (blob × recipient) stands. Every state but <see cref="Outstanding"/> is final.</summary>
public enum DeliveryState : byte
{
    /// <summary>Notified (or to be notified), not yet fetched.</summary>
    Outstanding = 0,

    /// <summary>Every byte was served at least once (docs/PROTOCOL.md §9).</summary>
    Fetched = 1,

    /// <summary>Retracted by the sender before a fetch (docs/PROTOCOL.md §11).</summary>
    Retracted = 2,

    /// <summary>The transit expiry passed before a fetch.</summary>
    Expired = 3,

    /// <summary>A gateway took responsibility for it (docs/PROTOCOL.md §10).</summary>
    Transferred = 4,
}
