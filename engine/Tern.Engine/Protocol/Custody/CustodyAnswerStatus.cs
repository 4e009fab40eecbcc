namespace Tern.Engine.Protocol.Custody;

/// <summary>The first byte of a custody answer (docs/PROTOCOL.md §10.3).</summary>
public enum CustodyAnswerStatus : byte
{
    /// <summary>The gateway holds the blob: the receipt (§10.1) follows.</summary>
    Accepted = 0,

    /// <summary>The gateway is fetching the blob: offer again after <c>retry_after</c>.</summary>
    InProgress = 1,

    /// <summary>The gateway does not take the blob: a reason and a detail follow.</summary>
    Declined = 2,
}
