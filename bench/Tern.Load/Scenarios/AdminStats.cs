using System.Text.Json;

namespace Tern.Load.Scenarios;

/// <summary>What a scenario reads from a node's <c>GET /admin/v1/stats</c> (docs/OPERATIONS.md, the admin API).</summary>
internal sealed record AdminStats(long DatagramsReceived, long RecordsAccepted, long DatagramsSent, long PendingReferences, long TransitLiveBytes, long Deliveries, IReadOnlyDictionary<string, long> Drops)
{
    public static async Task<AdminStats> ReadAsync(HttpClient admin, CancellationToken cancellationToken = default)
    {
        using var response = await admin.GetAsync("/admin/v1/stats", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        var root = json.RootElement;
        var notify = root.GetProperty("notify");
        var transit = root.GetProperty("transit");
        var drops = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var drop in notify.GetProperty("drops").EnumerateObject())
        {
            if (drop.Value.GetInt64() != 0)
            {
                drops[drop.Name] = drop.Value.GetInt64();
            }
        }

        return new AdminStats(notify.GetProperty("datagramsReceived").GetInt64(), notify.GetProperty("recordsAccepted").GetInt64(), notify.GetProperty("datagramsSent").GetInt64(),
            root.GetProperty("pendingReferences").GetInt64(), transit.GetProperty("liveBytes").GetInt64(), transit.GetProperty("deliveries").GetInt64(), drops);
    }

    /// <summary>Drops as <c>reason: count</c>, or <c>none</c>.</summary>
    public string FormatDrops() => Drops.Count == 0 ? "none" : string.Join(", ", Drops.Select(d => $"{d.Key}: {d.Value}"));
}
