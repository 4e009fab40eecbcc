namespace Tern.Engine.Protocol.Notification;

/// <summary>The <c>type</c> byte of a notification datagram (docs/PROTOCOL.md §4.1).</summary>
public enum DatagramType : byte
{
    /// <summary>Notification records: "a blob waits for this recipient hash".</summary>
    Notification = 0x01,

    /// <summary>Retraction notices: "forget this capability".</summary>
    Retraction = 0x02,
}
