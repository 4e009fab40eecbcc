namespace Tern.Engine.Protocol.Custody;

/// <summary>
/// Why a gateway declined an offer (docs/PROTOCOL.md §10.3). Every reason but <see cref="FetchFailed"/> is given before the
/// gateway fetches a byte. <see cref="Full"/>, <see cref="FetchFailed"/> and <see cref="SenderUnknown"/> are transient: the
/// sender may offer the same blob again later; the others hold for this offer.
/// </summary>
public enum CustodyDeclineReason : byte
{
    /// <summary>The gateway cannot honour <c>requested_expiry</c> (further than it keeps blobs, or too close to now).</summary>
    Expiry = 1,

    /// <summary>The gateway is past its high-water mark (bytes held or free space). Transient.</summary>
    Full = 2,

    /// <summary><c>payload_size</c> is over the gateway's limit for one blob.</summary>
    TooLarge = 3,

    /// <summary>The gateway does not take responsibility from this sender domain, or for this recipient domain.</summary>
    Policy = 4,

    /// <summary>
    /// The offer is malformed, its signature does not verify, its key is not the sender domain's, it names another gateway,
    /// or it contradicts an earlier offer of the same message for the same recipient domain.
    /// </summary>
    BadOffer = 5,

    /// <summary>The gateway could not fetch the blob, or what it fetched did not match the offer's size and hash. Transient.</summary>
    FetchFailed = 6,

    /// <summary>The gateway could not obtain the sender domain's verified descriptor (§6) just now. Transient.</summary>
    SenderUnknown = 7,
}
