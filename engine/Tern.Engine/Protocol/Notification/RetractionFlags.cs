namespace Tern.Engine.Protocol.Notification;

/// <summary>The <c>flags</c> byte of a retraction record (docs/PROTOCOL.md §4.2, §11).</summary>
[Flags]
public enum RetractionFlags : byte
{
    /// <summary>No flag: the blob was retracted before it was fetched.</summary>
    None = 0,

    /// <summary>The blob had already been fetched: the notice is only a request to the recipient's client.</summary>
    AfterFetch = 0x01,
}
