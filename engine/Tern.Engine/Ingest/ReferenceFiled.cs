using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>A record the pending table filed as a new reference (<see cref="PendingTableSink.Filed"/>).</summary>
/// <param name="record">The record, valid for the call only.</param>
/// <param name="pullNow">Whether the reference goes to the immediate-pull queue next.</param>
/// <returns>
/// With <paramref name="pullNow"/>, optionally a line for the pull's journal record to carry (docs/ARCHITECTURE.md §5.6),
/// released by the sink or the queue when no record will; otherwise null.
/// </returns>
public delegate Pending.PullAnnotation? ReferenceFiled(in NotificationRecord record, bool pullNow);
