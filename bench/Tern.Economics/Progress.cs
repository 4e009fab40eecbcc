namespace Tern.Economics;

/// <summary>
/// What the campaign's end is waited on: b.example's count of spam.example's pending references and of its records
/// dropped while blocked (b's admin <c>/economics</c>: b sends nothing, so it walks no deliveries) and the bytes
/// spam.example's fetch doors served (its <c>/metrics</c>: counters, no walk). spam.example's own <c>/economics</c>
/// walks every delivery of its transit store under the store's index lock (600 000 at 100 000 recipients a campaign),
/// so polling it every 100 ms would charge the sender and slow its notifications; it is read once at each end of a
/// window (<see cref="NodeSnapshot"/>). The idle phase polls this as often as a campaign's wait does, so what it costs
/// b is in the background subtracted from every window.
/// </summary>
internal sealed record Progress(double At, long PendingFromSpam, long BlockedRecords, long FetchServedBytes)
{
    public static async Task<Progress> TakeAsync(double at, Http senderAdmin, Http recipientAdmin)
    {
        var economics = await recipientAdmin.GetAsync("/admin/v1/economics").ConfigureAwait(false);
        var fromSpam = economics["domains"]!.AsArray().FirstOrDefault(d => d!["domain"]!.GetValue<string>() == "spam.example");
        var served = NodeSnapshot.Metric(await senderAdmin.GetTextAsync("/metrics").ConfigureAwait(false), "tern_fetch_served_bytes_total");
        return new Progress(at, Http.Long(fromSpam?["pendingReferences"]), Http.Long(fromSpam?["blockedRecords"]), served);
    }

    /// <summary>Blobs fetched since <paramref name="start"/>: the bytes served over the blob's size (every fetch of the campaign serves one whole blob).</summary>
    public long FetchedSince(Progress start, int blobBytes) => (FetchServedBytes - start.FetchServedBytes) / blobBytes;

    /// <summary>Whether anything the wait watches moved since <paramref name="earlier"/>.</summary>
    public bool MovedSince(Progress earlier) =>
        PendingFromSpam != earlier.PendingFromSpam || BlockedRecords != earlier.BlockedRecords || FetchServedBytes != earlier.FetchServedBytes;
}
