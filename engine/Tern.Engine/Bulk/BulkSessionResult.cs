namespace Tern.Engine.Bulk;

/// <summary>How a bulk session ended, and each blob's outcome in the order they were enqueued.</summary>
public sealed class BulkSessionResult
{
    /// <summary>The session, or default when every blob was declined and no session ran.</summary>
    public BulkSessionId Session { get; init; }

    /// <summary>Why it was cancelled, <see cref="BulkCancelReason.None"/> when it ended with a verified receipt.</summary>
    public BulkCancelReason Cancelled { get; init; }

    /// <summary>One per blob handed in.</summary>
    public required IReadOnlyList<BulkBlobOutcome> Outcomes { get; init; }

    /// <summary>
    /// Until when a receipt for this session, come after its end, is still verified and transfers what it covers (§17.6, a
    /// late receipt); null when the session ended with its receipt, was refused, or never ran.
    /// </summary>
    public DateTimeOffset? LateReceiptUntil { get; init; }

    /// <summary>The verified receipt's bytes, kept as evidence; null when cancelled.</summary>
    public byte[]? Receipt { get; init; }

    /// <summary>Bytes of the block (manifest and blobs).</summary>
    public long BlockBytes { get; init; }

    /// <summary>Data datagrams sent, first transmissions and repairs.</summary>
    public long DatagramsSent { get; init; }

    /// <summary>Data datagrams sent again (repairs and checkpoint retransmissions).</summary>
    public long DatagramsRepeated { get; init; }

    /// <summary>Segments sent again because a report said they were missing.</summary>
    public long Repairs { get; init; }

    /// <summary>Segments sent again in the idle time after the first pass (tail redundancy, §17.4).</summary>
    public long TailCopies { get; init; }

    /// <summary>Checkpoints sent again because no answer came within a round (§17.4).</summary>
    public int CheckpointRetries { get; init; }

    /// <summary>Bytes of datagrams sent (forward path).</summary>
    public long BytesSent { get; init; }

    /// <summary>Bytes of datagrams received from the peer for this session (return path).</summary>
    public long BytesReceived { get; init; }

    /// <summary>From the session's start to the block's last report (the receiver holding every byte), or null.</summary>
    public TimeSpan? Delivered { get; init; }

    /// <summary>From the session's start to its end (the receipt verified, or the cancel), before the Transferred journal.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The bound the session was held to (§17.6).</summary>
    public TimeSpan Bound { get; init; }

    /// <summary>How many blobs ended with <paramref name="outcome"/>.</summary>
    public int Count(BulkBlobOutcome outcome)
    {
        var n = 0;
        foreach (var o in Outcomes)
        {
            n += o == outcome ? 1 : 0;
        }

        return n;
    }
}
