namespace Tern.Engine.Pending;

/// <summary>What <see cref="PendingTable.TryInsert"/> did with a notification record.</summary>
public enum PendingInsertStatus
{
    /// <summary>A new pending reference was filed.</summary>
    Inserted = 1,

    /// <summary>The capability is already pending (a retransmission or replay); nothing changed.</summary>
    Duplicate = 2,

    /// <summary>The capability was removed within the tombstone retention; a replay must not resurrect it (docs/PROTOCOL.md §4.5).</summary>
    Tombstoned = 3,

    /// <summary>A cap is reached; <see cref="PendingInsertResult.Cap"/> names which. Dropped as <c>table_full</c> (docs/PROTOCOL.md §4.4).</summary>
    TableFull = 4,
}
