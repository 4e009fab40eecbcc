using System.Text.Json;

namespace Tern.E2e.Tests;

/// <summary>The notification port's figures from one <c>GET /admin/v1/stats</c>.</summary>
internal sealed record NotifyStatsSnapshot(long Received, long KernelDrops, long RecordsAccepted, long DeliveryFailures, long PendingReferences, IReadOnlyDictionary<string, long> Drops)
{
    /// <summary>Every drop reason's count summed.</summary>
    public long TotalDrops => Drops.Values.Sum();

    /// <summary>The count for <paramref name="reason"/> (PROTOCOL.md §4.4's snake-case name).</summary>
    public long Drop(string reason) => Drops[reason];

    public static async Task<NotifyStatsSnapshot> ReadAsync(HttpClient admin)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/admin/v1/stats", UriKind.Relative)));
        var notify = document.RootElement.GetProperty("notify");
        var drops = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in notify.GetProperty("drops").EnumerateObject())
        {
            drops[reason.Name] = reason.Value.GetInt64();
        }

        return new NotifyStatsSnapshot(notify.GetProperty("datagramsReceived").GetInt64(), notify.GetProperty("kernelDrops").GetInt64(),
            notify.GetProperty("recordsAccepted").GetInt64(), notify.GetProperty("deliveryFailures").GetInt64(),
            document.RootElement.GetProperty("pendingReferences").GetInt64(), drops);
    }
}
