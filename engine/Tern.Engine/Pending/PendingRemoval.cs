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

    /// <summary>
    /// The recipient dropped it (docs/C2S.md §7, the ignore action): never fetched, like an expiry, but the user's choice,
    /// so counted apart. The sender cannot tell (docs/PROTOCOL.md §4.4).
    /// </summary>
    Ignored = 4,
}
