namespace Tern.Admin.Wire;

/// <summary>One pending reference: metadata only (no capability, no payload).</summary>
public sealed record PendingItem(long Sequence, string SenderDomain, long PayloadSize, DateTimeOffset TransitExpiry, DateTimeOffset ReceivedAt, int Attempt,
    string MimeHint);
