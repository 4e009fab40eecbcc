namespace Tern.Engine.Bulk;

/// <summary>Why a bulk session ended without a receipt (docs/PROTOCOL.md §17.2, the cancel datagram).</summary>
public enum BulkCancelReason : byte
{
    /// <summary>Not cancelled.</summary>
    None = 0,

    /// <summary>The session reached its bound (§17.6).</summary>
    Deadline = 1,

    /// <summary>The sender's checkpoints went unanswered its retry limit of times in a row (§17.4).</summary>
    RetryLimit = 2,

    /// <summary>The receiver refused the session: manifest not valid, over its limits, or its policy (§17.5).</summary>
    Refused = 3,

    /// <summary>The side that sent it is stopping.</summary>
    Stopping = 4,

    /// <summary>The sender can no longer read a blob of the block (it expired or was retracted while the session ran).</summary>
    SourceGone = 5,
}
