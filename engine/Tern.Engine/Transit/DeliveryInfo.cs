using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>One delivery as the retransmission scheduler and the admin surface see it.</summary>
/// <param name="Capability">The delivery's fetch capability.</param>
/// <param name="MessageId">The blob's message id.</param>
/// <param name="DestinationDomain">Recipient's domain.</param>
/// <param name="RecipientHash">Recipient hash at that domain.</param>
/// <param name="State">Delivery state.</param>
/// <param name="Attempt">Notification attempts recorded so far.</param>
/// <param name="NextAttemptAt">When the next notification is due (as last recorded; the submission time at first).</param>
/// <param name="Size">Payload size.</param>
/// <param name="PayloadHash">The payload hash (docs/PROTOCOL.md §4.8).</param>
/// <param name="TransitExpiry">Transit expiry.</param>
/// <param name="MimeHint">MIME hint, if any.</param>
public readonly record struct DeliveryInfo(
    FetchCapability Capability,
    MessageId MessageId,
    string DestinationDomain,
    RecipientHash RecipientHash,
    DeliveryState State,
    int Attempt,
    DateTimeOffset NextAttemptAt,
    long Size,
    Bytes32 PayloadHash,
    DateTimeOffset TransitExpiry,
    string? MimeHint);
