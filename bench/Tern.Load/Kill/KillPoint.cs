namespace Tern.Load.Kill;

/// <summary>One SIGKILL of the run: when, which node, what was in flight, how the node came back.</summary>
internal sealed class KillPoint
{
    public required int Index { get; init; }

    /// <summary>The node killed (a.example or b.example).</summary>
    public required string Victim { get; init; }

    /// <summary>Seconds into the load when the signal went.</summary>
    public double AtSeconds { get; set; }

    /// <summary>How long the node stayed down before its restart began.</summary>
    public double DownSeconds { get; set; }

    /// <summary>alice's submits, carol's polls and bob's reads in flight (sent, not answered) as the signal went.</summary>
    public long SubmitsInFlight { get; set; }

    public long CarolInFlight { get; set; }

    public long BobInFlight { get; set; }

    /// <summary>Submissions acknowledged before the kill.</summary>
    public int AcknowledgedBefore { get; set; }

    /// <summary>After a kill of b.example: references carol had been shown before it and b.example had not stored for her (as listed once it was back).</summary>
    public int CarolUnpulledBefore { get; set; }

    /// <summary>Both nodes' stats just before the kill (null where a node did not answer in time).</summary>
    public NodeSnapshot? A { get; set; }

    public NodeSnapshot? B { get; set; }

    /// <summary>Bytes of the victim's data directory when it restarted: what recovery had to open.</summary>
    public long DiskBytes { get; set; }

    /// <summary>Process start until ready (<c>state/ports.json</c> written: every store recovered, every stage started).</summary>
    public double RecoverySeconds { get; set; }

    /// <summary>The victim's stats once ready.</summary>
    public NodeSnapshot? After { get; set; }

    /// <summary>
    /// After a kill of b.example: references carol had been shown, not stored for her, and absent from her pending
    /// references at the first look after the restart (inserts after the pending table's last checkpoint, by design lost
    /// and filed again by the sender's next retransmission, docs/ARCHITECTURE.md §3.5).
    /// </summary>
    public int ReferencesMissingAtRestart { get; set; } = -1;

    /// <summary>Seconds from ready until every such reference was pending again (or stored); negative when not within the bound.</summary>
    public double RefiledSeconds { get; set; } = -1;
}
