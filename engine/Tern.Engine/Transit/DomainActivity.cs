namespace Tern.Engine.Transit;

/// <summary>The notifications this node sent for the deliveries to one destination domain that its index still holds.</summary>
/// <param name="Domain">The destination domain.</param>
/// <param name="Deliveries">Deliveries to it in the index, in any state.</param>
/// <param name="Notifications">Notification attempts recorded for them.</param>
/// <param name="Retransmissions">Attempts after each delivery's first.</param>
public readonly record struct DomainActivity(string Domain, long Deliveries, long Notifications, long Retransmissions);
