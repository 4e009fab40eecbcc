namespace Tern.Admin.Wire;

/// <summary>One blob of the transit store: metadata only (no payload, no capability).</summary>
public sealed record TransitItem(string MessageId, string Account, long Size, DateTimeOffset SubmittedAt, DateTimeOffset TransitExpiry, string? MimeHint,
    IReadOnlyList<TransitDelivery> Deliveries);
