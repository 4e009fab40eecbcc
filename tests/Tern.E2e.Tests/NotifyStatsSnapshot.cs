using System.Text.Json;

namespace Tern.E2e.Tests;

/// <summary>The notification ports' figures from one <c>GET /admin/v1/stats</c>: the sums, and each port's own.</summary>
internal sealed record NotifyStatsSnapshot(long Received, long KernelDrops, long RecordsAccepted, long DeliveryFailures, long PendingReferences, IReadOnlyDictionary<string, long> Drops,
    long OpenedUnderOtherKey, IReadOnlyDictionary<string, NotifyPortSnapshot> Ports)
{
    /// <summary>Every drop reason's count summed.</summary>
    public long TotalDrops => Drops.Values.Sum();

    /// <summary>The count for <paramref name="reason"/> (PROTOCOL.md §4.4's snake-case name).</summary>
    public long Drop(string reason) => Drops[reason];

    /// <summary>The figures of the port bound at <paramref name="endpoint"/> (<c>address:port</c>).</summary>
    public NotifyPortSnapshot Port(string endpoint)
        => Ports.TryGetValue(endpoint, out var port) ? port : throw new KeyNotFoundException($"no notification port {endpoint} in {string.Join(", ", Ports.Keys)}");

    public static async Task<NotifyStatsSnapshot> ReadAsync(HttpClient admin)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/admin/v1/stats", UriKind.Relative)));
        var notify = document.RootElement.GetProperty("notify");
        var drops = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in notify.GetProperty("drops").EnumerateObject())
        {
            drops[reason.Name] = reason.Value.GetInt64();
        }

        var ports = new Dictionary<string, NotifyPortSnapshot>(StringComparer.Ordinal);
        foreach (var port in notify.GetProperty("ports").EnumerateArray())
        {
            ports[port.GetProperty("endpoint").GetString()!] = new NotifyPortSnapshot(port.GetProperty("datagramsReceived").GetInt64(),
                port.GetProperty("datagramsAccepted").GetInt64(), port.GetProperty("datagramsOpenedUnderOtherKey").GetInt64());
        }

        return new NotifyStatsSnapshot(notify.GetProperty("datagramsReceived").GetInt64(), notify.GetProperty("kernelDrops").GetInt64(),
            notify.GetProperty("recordsAccepted").GetInt64(), notify.GetProperty("deliveryFailures").GetInt64(),
            document.RootElement.GetProperty("pendingReferences").GetInt64(), drops, notify.GetProperty("datagramsOpenedUnderOtherKey").GetInt64(), ports);
    }
}

/// <summary>One notification port's figures: datagrams received, accepted, and of those opened under the other key of a rotation.</summary>
internal sealed record NotifyPortSnapshot(long Received, long Accepted, long OpenedUnderOtherKey)
{
    /// <summary>Accepted datagrams that opened under the preferred key: during a rotation, the new one.</summary>
    public long OpenedUnderPreferredKey => Accepted - OpenedUnderOtherKey;
}
