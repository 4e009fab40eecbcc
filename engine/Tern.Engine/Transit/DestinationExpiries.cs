using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tern.Engine.Transit;

/// <summary>
/// The Outstanding deliveries to one destination domain, counted with their bytes in a cell per minute and per hour of
/// their blob's transit expiry (docs/ARCHITECTURE.md §3.2, "Expiring before T"). Cells are value entries updated in place
/// and removed when empty, so keeping them allocates nothing once the dictionaries have grown. Guarded by the index lock.
/// </summary>
internal sealed class DestinationExpiries
{
    private readonly Dictionary<long, ExpiryTotals> _byMinute = [];
    private readonly Dictionary<long, ExpiryTotals> _byHour = [];

    /// <summary>Outstanding deliveries to the domain in all cells; the sweep drops a destination at 0.</summary>
    public long Deliveries { get; private set; }

    /// <summary>Cells held now (for the memory figure of docs/ARCHITECTURE.md).</summary>
    public int Cells => _byMinute.Count + _byHour.Count;

    public void Add(long expiryMs, long size) => Change(expiryMs, 1, size);

    public void Remove(long expiryMs, long size) => Change(expiryMs, -1, -size);

    /// <summary>
    /// The deliveries in cells whose whole minute lies before <paramref name="minute"/> (a minute number, ms / 60 000 rounded
    /// down): the hours before its hour, then the minutes of its hour before it.
    /// </summary>
    public ExpiryTotals BeforeMinute(long minute)
    {
        var hour = ExpiryIndex.FloorDiv(minute, ExpiryIndex.MinutesPerHour);
        var sum = default(ExpiryTotals);
        foreach (var cell in _byHour)
        {
            if (cell.Key < hour)
            {
                sum.Add(cell.Value);
            }
        }

        var first = hour * ExpiryIndex.MinutesPerHour;
        if (_byMinute.Count < minute - first)
        {
            // Fewer cells than minutes to probe: visit the cells.
            foreach (var cell in _byMinute)
            {
                if (cell.Key >= first && cell.Key < minute)
                {
                    sum.Add(cell.Value);
                }
            }

            return sum;
        }

        for (var m = first; m < minute; m++)
        {
            if (_byMinute.TryGetValue(m, out var cell))
            {
                sum.Add(cell);
            }
        }

        return sum;
    }

    private void Change(long expiryMs, int deliveries, long bytes)
    {
        var minute = ExpiryIndex.FloorDiv(expiryMs, ExpiryIndex.MinuteMs);
        Change(_byMinute, minute, deliveries, bytes);
        Change(_byHour, ExpiryIndex.FloorDiv(minute, ExpiryIndex.MinutesPerHour), deliveries, bytes);
        Deliveries += deliveries;
    }

    private static void Change(Dictionary<long, ExpiryTotals> cells, long key, int deliveries, long bytes)
    {
        ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(cells, key, out _);
        cell.Deliveries += deliveries;
        cell.Bytes += bytes;
        Debug.Assert(cell.Deliveries >= 0, "a delivery left a cell it was never counted in");
        if (cell.Deliveries == 0)
        {
            Debug.Assert(cell.Bytes == 0, "an empty cell still counts bytes");
            cells.Remove(key);
        }
    }
}
