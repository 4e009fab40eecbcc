namespace Tern.Admin.Wire;

/// <summary>
/// Datagrams in and out and drops by reason (docs/PROTOCOL.md §4.4's names), summed over every notification port. Every
/// datagram that reached a port is in one place: <c>KernelDrops</c> (never read: the socket's buffer was full) or
/// <c>DatagramsReceived</c>; each received one is accepted or in <c>Drops</c> under a datagram-level reason; each record of an
/// accepted one is in <c>RecordsAccepted</c>, in <c>Drops</c> under a record-level reason, or lost with its datagram's delivery
/// (<c>DeliveryFailures</c> datagrams). <c>DatagramsOpenedUnderOtherKey</c> counts the accepted datagrams sealed to the other
/// agreement key of a key rotation (§16.4: a peer that has not yet picked up the rotated descriptor); <c>Ports</c> has each
/// port's own figures (two while the port moves, §16.5).
/// </summary>
public sealed record NotifyStats(long DatagramsReceived, long KernelDrops, long DatagramsAccepted, long RecordsAccepted, long RetractionsApplied, long ColdKeysDerived,
    long DeliveryFailures, long DatagramsSent, long SendFailures, IReadOnlyDictionary<string, long> Drops, long DatagramsOpenedUnderOtherKey,
    IReadOnlyList<NotifyPortStats> Ports);
