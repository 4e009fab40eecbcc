namespace Tern.Admin.Wire;

/// <summary>Datagrams in and out and drops by reason (docs/PROTOCOL.md §4.4's names).</summary>
public sealed record NotifyStats(long DatagramsReceived, long DatagramsAccepted, long RecordsAccepted, long RetractionsApplied, long ColdKeysDerived,
    long DatagramsSent, long SendFailures, IReadOnlyDictionary<string, long> Drops);
