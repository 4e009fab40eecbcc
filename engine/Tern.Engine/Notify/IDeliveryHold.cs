using Tern.Engine.Protocol;

namespace Tern.Engine.Notify;

/// <summary>
/// Deliveries the scheduler must not notify for now although they are Outstanding: those the sender's routing sends
/// through a gateway, offered to it instead (docs/PROTOCOL.md §10.5). A held delivery is looked at again after
/// <see cref="NotificationSchedulerOptions.PeerRetryInterval"/>; it ends when the gateway's receipt moves it to
/// Transferred, or is notified once the hold is released (a decline that holds).
/// </summary>
public interface IDeliveryHold
{
    /// <summary>
    /// Whether the deliveries of <paramref name="messageId"/> to <paramref name="domain"/> (normalized) are held. Called on
    /// the scheduler's loop for each due notification: it must be quick and allocate nothing.
    /// </summary>
    bool IsHeld(MessageId messageId, string domain);
}
