namespace Tern.Admin.Wire;

/// <summary>The pending table's size and its references per sender domain.</summary>
public sealed record PendingSummary(long References, IReadOnlyList<SenderReferences> SenderDomains);
