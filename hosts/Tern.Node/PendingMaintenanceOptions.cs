using System.Globalization;

namespace Tern.Node;

/// <summary>
/// The pending table's upkeep while the node runs (section <c>Tern:PendingMaintenance</c>, docs/OPERATIONS.md): periodic
/// checkpoints, so a crash or <c>kill -9</c> loses at most one interval of references (they come back by retransmission)
/// and recovery replays a bounded log; and the expiry sweep, so references past their transit expiry leave the table.
/// </summary>
public sealed class PendingMaintenanceOptions
{
    /// <summary>
    /// How often the table's logs are checkpointed (<c>PendingTable.TakeLogCheckpointAsync</c>; skipped when nothing was
    /// written since the last one). Defaults to 5 minutes; <c>00:00:00</c> turns periodic checkpoints off (then only the
    /// stop checkpoints).
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Every how many periodic checkpoints one is full (hash indexes written too, a pause that grows with the index sizes:
    /// about 1.1 GiB and tens of seconds at the default sizes), the first one included: recovery replays the log written
    /// since the last full one. Defaults to 12 (hourly at the default interval).
    /// </summary>
    public int FullCheckpointEvery { get; set; } = 12;

    /// <summary>
    /// How often references past their transit expiry are removed (<c>PendingTable.SweepExpired</c>, a scan of the
    /// capability log). Defaults to 1 minute; <c>00:00:00</c> turns the sweep off (expired references are then only
    /// hidden from polls).
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Require(CheckpointInterval == TimeSpan.Zero || (CheckpointInterval >= TimeSpan.FromMilliseconds(10) && CheckpointInterval <= TimeSpan.FromDays(1)),
            nameof(CheckpointInterval), CheckpointInterval, "00:00:00 (off) or between 10 ms and 1 day");
        Require(FullCheckpointEvery is >= 1 and <= 10_000, nameof(FullCheckpointEvery), FullCheckpointEvery, "between 1 and 10 000");
        Require(SweepInterval == TimeSpan.Zero || (SweepInterval >= TimeSpan.FromMilliseconds(10) && SweepInterval <= TimeSpan.FromDays(1)),
            nameof(SweepInterval), SweepInterval, "00:00:00 (off) or between 10 ms and 1 day");
    }

    private static void Require(bool condition, string name, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"PendingMaintenanceOptions.{name} is {value}; it must be {expected}."));
        }
    }
}
