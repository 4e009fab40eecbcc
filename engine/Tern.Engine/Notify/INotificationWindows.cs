namespace Tern.Engine.Notify;

/// <summary>
/// When the scheduler may send to a destination domain: a gateway's contact plan (docs/OPERATIONS.md, "Contact plans")
/// keeps notifications and retraction notices to a destination it covers inside that destination's windows. Called on
/// the scheduler's loop for each peer with records due: quick, and allocating nothing.
/// </summary>
public interface INotificationWindows
{
    /// <summary>
    /// The instant (Unix ms) from which <paramref name="domain"/> may be sent to: <paramref name="nowMs"/> or earlier when
    /// now (a domain the plan does not cover is always open), the next window's opening when closed, long.MaxValue when no
    /// window opens again.
    /// </summary>
    long OpenFromMs(string domain, long nowMs);

    /// <summary>Counts <paramref name="bytes"/> sent to <paramref name="domain"/> at <paramref name="nowMs"/> against its open window.</summary>
    void Sent(string domain, int bytes, long nowMs);
}
