using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>A submitted blob and its deliveries, as its submitter may see them (the client API's status and list).</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="Account">The account that submitted it and is charged for it.</param>
/// <param name="Size">Payload size in bytes.</param>
/// <param name="PayloadHash">The payload hash (docs/PROTOCOL.md §4.8).</param>
/// <param name="Submitted">When it was submitted.</param>
/// <param name="TransitExpiry">Its transit expiry.</param>
/// <param name="MimeHint">The MIME hint, if any.</param>
/// <param name="Deliveries">One per recipient, in the order the submission named them.</param>
public sealed record MessageInfo(
    MessageId MessageId,
    string Account,
    long Size,
    Bytes32 PayloadHash,
    DateTimeOffset Submitted,
    DateTimeOffset TransitExpiry,
    string? MimeHint,
    IReadOnlyList<DeliveryInfo> Deliveries);
