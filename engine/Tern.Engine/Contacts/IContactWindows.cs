namespace Tern.Engine.Contacts;

/// <summary>
/// This node's contacts to its peers, at the current time of the node's clock and under the plan in force (a reload swaps
/// it whole): what a sender over an intermittent link — the gateway's notifications, a bulk session to a peer gateway —
/// asks before sending. Thread-safe.
/// </summary>
public interface IContactWindows
{
    /// <summary>Raised after a new plan is in force (on the thread that replaced it).</summary>
    event Action? PlanChanged;

    /// <summary>Whether the plan has any contact from this node to <paramref name="peer"/>; a peer it does not cover is not held.</summary>
    bool Covers(string peer);

    /// <summary>The window to <paramref name="peer"/> open now (its rate in bits/s, its one-way light time, when it closes).</summary>
    bool TryOpenNow(string peer, out ContactWindow window);

    /// <summary>The next window to <paramref name="peer"/> to open after now (not the one open now).</summary>
    bool TryNextWindow(string peer, out ContactWindow window);

    /// <summary>
    /// When the last of <paramref name="bytes"/> sent to <paramref name="peer"/> from now, behind <paramref name="queuedBytes"/>,
    /// can arrive (<see cref="ContactSchedule.EarliestArrival"/>); null when not by <paramref name="notAfter"/>.
    /// </summary>
    DateTimeOffset? EarliestArrival(string peer, long bytes, long queuedBytes, DateTimeOffset notAfter);
}
