using System.Text.Json;

namespace Tern.Load.Kill;

/// <summary>A node's store sizes and work in progress, from its <c>GET /admin/v1/stats</c> (docs/OPERATIONS.md, the admin API).</summary>
/// <param name="TransitLiveBytes">Live bytes of the transit store.</param>
/// <param name="Blobs">Blobs in the transit index.</param>
/// <param name="Deliveries">Deliveries in the transit index.</param>
/// <param name="PendingReferences">References in the pending table.</param>
/// <param name="PullsOutstanding">Pulls queued or running.</param>
/// <param name="PullRetriesWaiting">Failed pulls waiting for their next try.</param>
internal sealed record NodeSnapshot(long TransitLiveBytes, int Blobs, int Deliveries, long PendingReferences, long PullsOutstanding, int PullRetriesWaiting)
{
    /// <summary>Reads the node's stats, or null when it does not answer within <paramref name="timeout"/>.</summary>
    public static async Task<NodeSnapshot?> TryReadAsync(HttpClient admin, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            using var response = await admin.GetAsync(new Uri("/admin/v1/stats", UriKind.Relative), deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false));
            var root = json.RootElement;
            var transit = root.GetProperty("transit");
            var pull = root.GetProperty("pull");
            return new NodeSnapshot(transit.GetProperty("liveBytes").GetInt64(), transit.GetProperty("blobs").GetInt32(), transit.GetProperty("deliveries").GetInt32(),
                root.GetProperty("pendingReferences").GetInt64(), pull.GetProperty("outstanding").GetInt64(), pull.GetProperty("retriesWaiting").GetInt32());
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or JsonException)
        {
            return null;
        }
    }
}
