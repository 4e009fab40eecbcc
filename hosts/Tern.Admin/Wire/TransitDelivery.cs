namespace Tern.Admin.Wire;

/// <summary>One delivery of a blob: where it goes, its state and the notifications sent for it.</summary>
public sealed record TransitDelivery(string Domain, string State, int Attempts);
