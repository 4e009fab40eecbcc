namespace Tern.Engine.Pull;

/// <summary>Options of the recipient's <see cref="PullJournal"/> (docs/ARCHITECTURE.md §5.6).</summary>
public sealed class PullJournalOptions
{
    /// <summary>The journal's file name in <see cref="DataDirectory"/>.</summary>
    public const string FileName = "pulls.journal";

    /// <summary>The node's data directory; the journal is <see cref="FileName"/> in it. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// Make each begun record durable (a data-synchronous write, shared by the pulls that begin together) before the pull
    /// sends its first fetch. Off, the journal is written but never synced (tests; a node whose message store is not
    /// durable either). Defaults to true.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>
    /// Size past which the running journal is rewritten with only the pulls still open (it is always rewritten so at
    /// open). Defaults to 16 MiB (about 50 000 pulls).
    /// </summary>
    public long CompactAfterBytes { get; set; } = 16L << 20;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("PullJournalOptions.DataDirectory is required.");
        }

        if (CompactAfterBytes < 4096)
        {
            throw new ArgumentException($"PullJournalOptions.CompactAfterBytes is {CompactAfterBytes}; it must be at least 4096.");
        }
    }
}
