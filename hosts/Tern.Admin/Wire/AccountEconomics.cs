namespace Tern.Admin.Wire;

/// <summary>What one sending account costs the transit store.</summary>
/// <param name="Account">The account (the user submitting).</param>
/// <param name="LiveBytes">Bytes held for it now (each blob once).</param>
/// <param name="ByteSeconds">Live bytes integrated over time since the store was created.</param>
/// <param name="Deliveries">Its deliveries by state.</param>
public sealed record AccountEconomics(string Account, long LiveBytes, double ByteSeconds, DeliveryCounts Deliveries);
