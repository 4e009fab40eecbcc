namespace Tern.Engine.Protocol.Envelopes;

/// <summary>Flags of a signed envelope (docs/PROTOCOL.md §15.1); bits 3–7 are reserved and 0.</summary>
[Flags]
public enum EnvelopeFlags : byte
{
    /// <summary>None set.</summary>
    None = 0,

    /// <summary>The message asks the recipient's client to withdraw the message <c>thread_id</c> names (§11 after a fetch).</summary>
    Retraction = 1,

    /// <summary>The sender asks for a read receipt; the recipient's client decides.</summary>
    ReadReceiptRequested = 2,

    /// <summary>The sender's client showed its user that the recipient's domain holds the recipient's keys (escrow, §14.2).</summary>
    EscrowDisclosed = 4,
}
