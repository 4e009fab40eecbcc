using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>One blob as the operator's inspection sees it: metadata only, never payload bytes or capabilities.</summary>
/// <param name="MessageId">The blob's message id.</param>
/// <param name="Account">The submitting account, charged for it.</param>
/// <param name="Size">Payload size in bytes.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="TransitExpiry">When it stops being served.</param>
/// <param name="MimeHint">The submitter's MIME hint, if any.</param>
/// <param name="Deliveries">Its deliveries: destination domain, state and notification attempts.</param>
public sealed record TransitMessageSummary(
    MessageId MessageId,
    string Account,
    long Size,
    DateTimeOffset SubmittedAt,
    DateTimeOffset TransitExpiry,
    string? MimeHint,
    IReadOnlyList<(string Domain, DeliveryState State, int Attempt)> Deliveries);
