namespace Tern.Engine.Transit;

/// <summary>
/// One journal entry waiting for the group commit, with what to do once it is durable. A barrier (no record) only asks
/// for a commit of its buckets, e.g. to make a head truncation take effect.
/// </summary>
internal sealed class JournalOp
{
    public JournalOp(byte[]? record, int length, BucketLog? bucket)
    {
        Record = record;
        Length = length;
        Bucket = bucket;
    }

    /// <summary>Pooled buffer holding the entry; returned to the pool once enqueued.</summary>
    public byte[]? Record { get; set; }

    public int Length { get; }

    /// <summary>A bucket log that must be committed with this entry (the blob's chunks).</summary>
    public BucketLog? Bucket { get; }

    /// <summary>Journal address of the entry once enqueued.</summary>
    public long Address { get; set; }

    /// <summary>Submission being acknowledged (apply indexes it).</summary>
    public UncommittedSubmission? Submission { get; init; }

    /// <summary>State change being made durable (apply moves the deliveries).</summary>
    public StateChange? Change { get; init; }

    /// <summary>
    /// An entry whose loss in a crash only repeats idempotent work (a fetched mark): it waits for the next commit instead
    /// of asking for one, at most <see cref="TransitStoreOptions.MarkCommitDelay"/>.
    /// </summary>
    public bool Deferred { get; init; }

    /// <summary>Applies the entry to the index under the index lock; null for barriers.</summary>
    public Action<JournalOp>? Apply { get; init; }

    /// <summary>Result passed back to the waiter (e.g. how many deliveries changed).</summary>
    public object? Result { get; set; }

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
