using Tern.Engine.Transit;

namespace Tern.Admin.Wire;

/// <summary>Deliveries by state (docs/ARCHITECTURE.md §3.4).</summary>
public sealed record DeliveryCounts(long Outstanding, long Fetched, long Expired, long Retracted, long Transferred)
{
    /// <summary>The counts of a ledger line.</summary>
    public static DeliveryCounts Of(TransitStats stats) => new(stats.Outstanding, stats.Fetched, stats.Expired, stats.Retracted, stats.Transferred);
}
