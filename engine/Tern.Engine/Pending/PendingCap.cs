namespace Tern.Engine.Pending;

/// <summary>The cap that refused an insert.</summary>
public enum PendingCap
{
    /// <summary>No cap was involved.</summary>
    None = 0,

    /// <summary><see cref="PendingTableOptions.MaxEntriesPerSenderDomain"/>.</summary>
    SenderDomain = 1,

    /// <summary><see cref="PendingTableOptions.MaxEntriesPerRecipientHash"/>.</summary>
    RecipientHash = 2,
}
