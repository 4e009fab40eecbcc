using Tern.Load.Open;

namespace Tern.Load.Kill;

/// <summary>What a kill-under-load run did and found.</summary>
internal sealed class KillLoadResult
{
    public required KillLoadOptions Options { get; init; }

    public required IReadOnlyList<KillPoint> Points { get; init; }

    public required LoadRunResult Load { get; init; }

    /// <summary>Each node's first start (process start until ready) on its empty data directory.</summary>
    public required IReadOnlyList<double> FirstStartSeconds { get; init; }

    /// <summary>Submissions acknowledged (201).</summary>
    public required int Acknowledged { get; init; }

    /// <summary>Acknowledged messages stored at b.example when the drain ended.</summary>
    public required int Delivered { get; init; }

    /// <summary>Of those, the ones a.example reports fetched.</summary>
    public required int FetchedAtSender { get; init; }

    /// <summary>
    /// Stored at b.example while a.example still holds the delivery as pending and retransmits it: the fetched mark a kill of
    /// a.example cut before its commit (docs/ARCHITECTURE.md §3.2, "Marks that ride").
    /// </summary>
    public required int RetransmittingAfterLostMark { get; init; }

    /// <summary>Stored messages read back and found intact.</summary>
    public required int Verified { get; init; }

    /// <summary>Stored messages at b.example that a.example never acknowledged (their submit's answer cut by a kill).</summary>
    public required int StoredUnacknowledged { get; init; }

    /// <summary>References carol's polls listed.</summary>
    public required int CarolSeen { get; init; }

    /// <summary>carol's pull requests by answer.</summary>
    public required IReadOnlyDictionary<string, long> PullAnswers { get; init; }

    /// <summary>From the end of the load until every acknowledged message was stored (or the bound).</summary>
    public required double DrainSeconds { get; init; }

    /// <summary>Every broken guarantee, with what was found.</summary>
    public required IReadOnlyList<(ViolationKind Kind, string What)> Violations { get; init; }
}
