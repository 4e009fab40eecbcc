using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>A blob that reached its transit expiry with deliveries still Outstanding, as <see cref="TransitStore.BlobExpired"/> reports it once.</summary>
/// <param name="MessageId">The blob.</param>
/// <param name="Account">The account charged for it (on a gateway, the sender domain it holds the blob for).</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Unfetched">How many of its deliveries were still Outstanding.</param>
/// <param name="ExpiryMs">Its transit expiry, ms since the epoch.</param>
public readonly record struct BlobExpiry(MessageId MessageId, string Account, long Size, int Unfetched, long ExpiryMs);
