namespace Tern.Admin.Wire;

/// <summary>The node's counters at the moment of the request.</summary>
/// <param name="Domain">The domain served.</param>
/// <param name="UptimeSeconds">Seconds since the admin surface started.</param>
/// <param name="Ready">Whether the node reports itself ready.</param>
/// <param name="Notify">The notification port's counters.</param>
/// <param name="Transit">The transit store's sizes.</param>
/// <param name="PendingReferences">Live references in the pending table.</param>
/// <param name="Pull">The pull worker's counters.</param>
/// <param name="BlockedDomains">Sender domains blocked.</param>
public sealed record NodeStats(string Domain, long UptimeSeconds, bool Ready, NotifyStats Notify, TransitSizes Transit, long PendingReferences, PullStats Pull, int BlockedDomains);
