namespace Tern.Engine.Transit;

/// <summary>One account's or one destination domain's line of the transit ledger (docs/ARCHITECTURE.md §3.4).</summary>
/// <param name="Name">The account, or the destination domain.</param>
/// <param name="Stats">Its live bytes, byte-seconds and deliveries by state at the moment of the query.</param>
public readonly record struct LedgerRow(string Name, TransitStats Stats);
