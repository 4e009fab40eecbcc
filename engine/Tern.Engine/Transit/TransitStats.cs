namespace Tern.Engine.Transit;

/// <summary>
/// What an account (or a destination domain) costs the transit store (docs/ARCHITECTURE.md §3.4): live bytes, their
/// integral over time, and deliveries by state. An account is charged a blob's size while any of its deliveries is
/// outstanding; a domain is charged the size once per outstanding delivery to it.
/// </summary>
/// <param name="LiveBytes">Bytes charged now.</param>
/// <param name="ByteSeconds">Live bytes integrated over time, up to the moment of the query.</param>
/// <param name="Outstanding">Deliveries outstanding: notified or to be notified, not yet fetched.</param>
/// <param name="Fetched">Deliveries fetched.</param>
/// <param name="Expired">Deliveries expired before a fetch.</param>
/// <param name="Retracted">Deliveries retracted.</param>
/// <param name="Transferred">Deliveries transferred to a gateway.</param>
public readonly record struct TransitStats(long LiveBytes, double ByteSeconds, long Outstanding, long Fetched, long Expired, long Retracted, long Transferred);
