using System.Text.Json;

namespace Tern.Load.Flood;

/// <summary>The notification port's counters from one <c>GET /admin/v1/stats</c>, and their difference between two reads.</summary>
internal sealed record NotifyCounters(long Received, long KernelDrops, long RecordsAccepted, long DeliveryFailures, long Pending, SortedDictionary<string, long> Drops)
{
    public long TotalDrops => Drops.Values.Sum();

    public static async Task<NotifyCounters> ReadAsync(HttpClient admin)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/admin/v1/stats", UriKind.Relative)).ConfigureAwait(false));
        var notify = document.RootElement.GetProperty("notify");
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in notify.GetProperty("drops").EnumerateObject())
        {
            drops[reason.Name] = reason.Value.GetInt64();
        }

        return new NotifyCounters(notify.GetProperty("datagramsReceived").GetInt64(), notify.GetProperty("kernelDrops").GetInt64(),
            notify.GetProperty("recordsAccepted").GetInt64(), notify.GetProperty("deliveryFailures").GetInt64(),
            document.RootElement.GetProperty("pendingReferences").GetInt64(), drops);
    }

    public NotifyCounters Minus(NotifyCounters earlier)
    {
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (reason, count) in Drops)
        {
            drops[reason] = count - earlier.Drops.GetValueOrDefault(reason);
        }

        return new NotifyCounters(Received - earlier.Received, KernelDrops - earlier.KernelDrops, RecordsAccepted - earlier.RecordsAccepted,
            DeliveryFailures - earlier.DeliveryFailures, Pending - earlier.Pending, drops);
    }
}
