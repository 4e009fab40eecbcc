namespace Tern.Admin.Wire;

/// <summary>Live pending references one sender domain notified.</summary>
public sealed record SenderReferences(string Domain, long References);
