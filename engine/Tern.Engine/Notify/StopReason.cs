namespace Tern.Engine.Notify;

/// <summary>Why the scheduler stopped notifying a delivery (docs/PROTOCOL.md §4.6).</summary>
public enum StopReason : byte
{
    /// <summary>The capability was fetched (§9).</summary>
    Fetched = 0,

    /// <summary>The sender retracted the blob (§11).</summary>
    Retracted = 1,

    /// <summary>A gateway took responsibility (§10).</summary>
    Transferred = 2,

    /// <summary>The transit expiry passed.</summary>
    Expired = 3,

    /// <summary>The store no longer knows the capability.</summary>
    Unknown = 4,
}
