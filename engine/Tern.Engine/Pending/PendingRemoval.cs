namespace Tern.Engine.Pending;

/// <summary>Why a pending reference left the table; each leaves a tombstone (docs/PROTOCOL.md §4.5).</summary>
public enum PendingRemoval
{
    /// <summary>The recipient fetched the blob.</summary>
    Fetched = 1,

    /// <summary>The sender retracted the delivery (docs/PROTOCOL.md §11).</summary>
    Retracted = 2,

    /// <summary>The transit expiry passed.</summary>
    Expired = 3,
}
