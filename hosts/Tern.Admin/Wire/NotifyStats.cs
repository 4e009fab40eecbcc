namespace Tern.Admin.Wire;

/// <summary>
/// Datagrams in and out and drops by reason (docs/PROTOCOL.md §4.4's names). Every datagram that reached the port is in one
/// place: <c>KernelDrops</c> (never read: the socket's buffer was full) or <c>DatagramsReceived</c>; each received one is
/// accepted or in <c>Drops</c> under a datagram-level reason; each record of an accepted one is in <c>RecordsAccepted</c>, in
/// <c>Drops</c> under a record-level reason, or lost with its datagram's delivery (<c>DeliveryFailures</c> datagrams).
/// </summary>
public sealed record NotifyStats(long DatagramsReceived, long KernelDrops, long DatagramsAccepted, long RecordsAccepted, long RetractionsApplied, long ColdKeysDerived,
    long DeliveryFailures, long DatagramsSent, long SendFailures, IReadOnlyDictionary<string, long> Drops);
