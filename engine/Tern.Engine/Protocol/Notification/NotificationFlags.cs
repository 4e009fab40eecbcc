namespace Tern.Engine.Protocol.Notification;

/// <summary>The <c>flags</c> byte of a notification record (docs/PROTOCOL.md §4.2).</summary>
[Flags]
public enum NotificationFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Sent by a gateway that accepted responsibility for the blob (§10).</summary>
    ViaGateway = 0x01,
}
