using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>
/// The ingest's sink on the recipient side (docs/PROTOCOL.md §4.4, §4.5, §11): files accepted records in the
/// <see cref="PendingTable"/>, applies retraction notices from the key that notified, and hands new references
/// the recipient wants pulled at once to an <see cref="IImmediatePullQueue"/>. Thread-safe (the table is), so
/// several ingest loops may share one; allocation-free per record.
/// </summary>
public sealed class PendingTableSink : INotificationSink
{
    private readonly PendingTable _table;
    private readonly IImmediatePullQueue? _immediate;
    private long _inserted;
    private long _duplicates;
    private long _replaysOfRemoved;
    private long _retracted;
    private long _retractionsUnmatched;
    private long _immediateQueued;
    private long _immediateDeferred;

    /// <summary>Files into <paramref name="table"/>; <paramref name="immediate"/> (optional) receives references to pull at once.</summary>
    public PendingTableSink(PendingTable table, IImmediatePullQueue? immediate = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        _immediate = immediate;
    }

    /// <summary>
    /// Called once for each record filed as a new reference, on the ingest loop that filed it: the table inserts a
    /// capability once, so retransmissions seen by several loops at once call it once. Must be quick and must not block.
    /// For a reference about to be pulled at once it may return an annotation for the pull's journal record to carry.
    /// </summary>
    public ReferenceFiled? Filed { get; set; }

    /// <summary>Records filed as new pending references.</summary>
    public long Inserted => Interlocked.Read(ref _inserted);

    /// <summary>Records whose capability was already pending (retransmissions): not drops.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Records whose capability was fetched or retracted within the tombstone retention (§4.5): ignored, not drops.</summary>
    public long ReplaysOfRemoved => Interlocked.Read(ref _replaysOfRemoved);

    /// <summary>Retraction notices that removed a reference.</summary>
    public long Retracted => Interlocked.Read(ref _retracted);

    /// <summary>Retraction notices that matched nothing: unknown or removed capability, another hash or sender key, or <c>after_fetch</c>.</summary>
    public long RetractionsUnmatched => Interlocked.Read(ref _retractionsUnmatched);

    /// <summary>References handed to the immediate pull queue.</summary>
    public long ImmediatePullsQueued => Interlocked.Read(ref _immediateQueued);

    /// <summary>References the immediate pull queue refused (full, or no queue configured): they wait for a client.</summary>
    public long ImmediatePullsDeferred => Interlocked.Read(ref _immediateDeferred);

    /// <inheritdoc />
    public void Prefetch(ReadOnlySpan<FetchCapability> capabilities, ReadOnlySpan<RecipientHash> recipientHashes) => _table.Prefetch(capabilities, recipientHashes);

    /// <inheritdoc />
    public void BeginRecords() => _table.BeginInserts();

    /// <inheritdoc />
    public void EndRecords() => _table.EndInserts();

    /// <inheritdoc />
    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        var result = _table.TryInsert(record, senderKey, nowMs);
        switch (result.Status)
        {
            case PendingInsertStatus.Inserted:
                Interlocked.Increment(ref _inserted);
                var pullNow = preference == PullPreference.Immediately && _immediate is not null;
                var annotation = Filed?.Invoke(record, pullNow);
                if (preference == PullPreference.Immediately)
                {
                    var queued = _immediate?.TryEnqueue(record.Capability, record.RecipientHash, result.Sequence, annotation) ?? false;
                    Interlocked.Increment(ref queued ? ref _immediateQueued : ref _immediateDeferred);
                    if (!queued)
                    {
                        annotation?.Release();
                    }
                }
                else
                {
                    annotation?.Release();
                }

                return DropReason.None;
            case PendingInsertStatus.Duplicate:
                Interlocked.Increment(ref _duplicates);
                return DropReason.None;
            case PendingInsertStatus.Tombstoned:
                Interlocked.Increment(ref _replaysOfRemoved);
                return DropReason.None;
            default:
                return DropReason.TableFull;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A notice with <c>after_fetch</c> is only a request to the recipient's client (§11) and leaves the table
    /// alone: the fetch already removed the reference.
    /// </remarks>
    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs)
    {
        var removed = (record.Flags & RetractionFlags.AfterFetch) == 0
            && _table.Retract(record.Capability, record.RecipientHash, senderKey, nowMs);
        Interlocked.Increment(ref removed ? ref _retracted : ref _retractionsUnmatched);
        return removed;
    }
}
