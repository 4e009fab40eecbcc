namespace Tern.Admin.Wire;

/// <summary>What one peer domain costs this node, both ways.</summary>
/// <param name="Domain">The peer domain.</param>
/// <param name="LiveBytes">Bytes held in transit for it now (a blob once per delivery to it).</param>
/// <param name="ByteSeconds">Those bytes integrated over time.</param>
/// <param name="Deliveries">Deliveries to it by state.</param>
/// <param name="Notifications">Notifications sent for the deliveries to it that the index still holds.</param>
/// <param name="Retransmissions">Of those, the ones after each delivery's first.</param>
/// <param name="PendingReferences">References it notified that wait in this node's pending table.</param>
/// <param name="BlockedRecords">Its records dropped since it was blocked (0 when it is not blocked).</param>
public sealed record DomainEconomics(string Domain, long LiveBytes, double ByteSeconds, DeliveryCounts Deliveries, long Notifications, long Retransmissions,
    long PendingReferences, long BlockedRecords);
