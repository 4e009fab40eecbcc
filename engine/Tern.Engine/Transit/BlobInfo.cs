using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>What a fetcher of one capability may learn about the blob (fetch meta, HTTP headers).</summary>
/// <param name="MessageId">The blob's message id.</param>
/// <param name="Size">Payload size in bytes.</param>
/// <param name="PayloadHash">The payload hash (docs/PROTOCOL.md §4.8; the HTTP ETag).</param>
/// <param name="TransitExpiry">When the blob stops being served.</param>
/// <param name="MimeHint">The submitter's MIME hint, if any.</param>
/// <param name="State">State of this capability's delivery.</param>
public readonly record struct BlobInfo(MessageId MessageId, long Size, Bytes32 PayloadHash, DateTimeOffset TransitExpiry, string? MimeHint, DeliveryState State);
