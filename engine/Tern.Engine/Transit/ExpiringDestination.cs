namespace Tern.Engine.Transit;

/// <summary>What the transit store holds for one destination domain that expires before a given instant.</summary>
/// <param name="Domain">The destination domain.</param>
/// <param name="Deliveries">Outstanding deliveries to it whose blob expires before the instant.</param>
/// <param name="Bytes">Their payload bytes, each delivery counted (the bytes the domain would have fetched).</param>
public readonly record struct ExpiringDestination(string Domain, long Deliveries, long Bytes);
