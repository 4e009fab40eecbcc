namespace Tern.Engine.Ingest;

public sealed partial class NotificationIngest
{
    /// <summary>
    /// How full the key caches and token buckets are at <paramref name="nowMs"/>, for metrics. Scans the per-source rate
    /// table (<see cref="IngestOptions.SourceTableSlots"/> entries): meant for a scrape every few seconds, not the packet path.
    /// </summary>
    public IngestOccupancy Occupancy(long nowMs) => new(
        _verified.Count,
        _verified.Capacity,
        _known?.Count ?? 0,
        _known?.Capacity ?? 0,
        _probation.Count,
        _probation.Capacity,
        _sourceRate.Used,
        _sourceRate.Empty(nowMs),
        _sourceRate.Slots,
        _coldKeys.Level(0, nowMs));
}
