namespace Tern.Admin.Wire;

/// <summary>One destination's share of what expires: outstanding deliveries and their bytes.</summary>
public sealed record ExpiringItem(string Domain, long Deliveries, long Bytes);
