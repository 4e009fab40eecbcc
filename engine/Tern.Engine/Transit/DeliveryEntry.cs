using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>Index record of one delivery; mutable fields are guarded by the store's index lock.</summary>
internal sealed class DeliveryEntry
{
    public DeliveryEntry(BlobEntry blob, FetchCapability capability, string domain, RecipientHash hash)
    {
        Blob = blob;
        Capability = capability;
        Domain = domain;
        Hash = hash;
    }

    public BlobEntry Blob { get; }

    public FetchCapability Capability { get; }

    public string Domain { get; }

    public RecipientHash Hash { get; }

    public DeliveryState State { get; set; }

    public int Attempt { get; set; }

    public long NextAttemptMs { get; set; }

    /// <summary>
    /// The last round of the notification loop that queued this delivery for a datagram, so that a second wheel entry of it
    /// due in the same round sends nothing: the loop's scratch, read and written by that loop only, never stored. A mark
    /// here costs no lookup where a set of the round's deliveries cost one cache miss per record.
    /// </summary>
    public long RoutedInRound { get; set; }

    /// <summary>Served to fetchers: fetched and transferred blobs keep serving until expiry while their bytes remain (§9).</summary>
    public bool Readable => State is DeliveryState.Outstanding or DeliveryState.Fetched or DeliveryState.Transferred;

    public DeliveryInfo ToInfo() => new(
        Capability,
        Blob.Id,
        Domain,
        Hash,
        State,
        Attempt,
        DateTimeOffset.FromUnixTimeMilliseconds(NextAttemptMs),
        Blob.Size,
        Blob.PayloadHash,
        DateTimeOffset.FromUnixTimeMilliseconds(Blob.ExpiryMs),
        Blob.MimeHint);
}
