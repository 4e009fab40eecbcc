namespace Tern.Engine.Ingest;

public sealed partial class NotificationIngest
{
    /// <summary>
    /// How full the key caches and token buckets are at <paramref name="nowMs"/>, for metrics. Scans the per-source rate
    /// table (<see cref="IngestOptions.SourceTableSlots"/> entries): meant for a scrape every few seconds, not the packet path.
    /// </summary>
    /// <remarks>The tables of the preferred secret's side (during a key rotation, docs/PROTOCOL.md §16.4, the other side's are not counted).</remarks>
    public IngestOccupancy Occupancy(long nowMs)
    {
        var side = Volatile.Read(ref _primary);
        return Occupancy(side, nowMs);
    }

    private IngestOccupancy Occupancy(ReceiveSide side, long nowMs) => new(
        side.Verified.Count,
        side.Verified.Capacity,
        side.Known?.Count ?? 0,
        side.Known?.Capacity ?? 0,
        side.Probation.Count,
        side.Probation.Capacity,
        _sourceRate.Used,
        _sourceRate.Empty(nowMs),
        _sourceRate.Slots,
        _coldKeys.Level(0, nowMs));
}
