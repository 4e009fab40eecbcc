namespace Tern.Engine.Transit;

/// <summary>What the transit store holds for one destination domain (a gateway's per-contact view, docs/OPERATIONS.md).</summary>
/// <param name="Domain">The destination domain.</param>
/// <param name="Blobs">Blobs with an Outstanding delivery to it: on a gateway, the receipts it signed that are not yet discharged.</param>
/// <param name="Deliveries">Outstanding deliveries to it.</param>
/// <param name="Bytes">Their payload bytes, each delivery counted (what the domain has yet to fetch).</param>
/// <param name="NearExpiryBytes">Of those bytes, the ones whose blob expires before the instant asked about.</param>
public readonly record struct DestinationHolding(string Domain, long Blobs, long Deliveries, long Bytes, long NearExpiryBytes);
