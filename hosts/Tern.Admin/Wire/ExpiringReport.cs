namespace Tern.Admin.Wire;

/// <summary>What the transit store holds unfetched that expires before <c>before</c>, per destination domain.</summary>
public sealed record ExpiringReport(DateTimeOffset Before, long Deliveries, long Bytes, IReadOnlyList<ExpiringItem> Destinations);
