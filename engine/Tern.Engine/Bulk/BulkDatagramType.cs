namespace Tern.Engine.Bulk;

/// <summary>The kinds of bulk datagram (docs/PROTOCOL.md §17.2).</summary>
public enum BulkDatagramType : byte
{
    /// <summary>Sender to receiver: bytes of the session's block, possibly a checkpoint.</summary>
    Data = 1,

    /// <summary>Receiver to sender: the ranges still missing when a checkpoint arrived.</summary>
    Report = 2,

    /// <summary>Receiver to sender: the session receipt, signed.</summary>
    Receipt = 3,

    /// <summary>Either way: the session is over without a receipt.</summary>
    Cancel = 4,
}
