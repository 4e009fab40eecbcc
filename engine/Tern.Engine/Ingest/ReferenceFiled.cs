using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>A record the pending table filed as a new reference (<see cref="PendingTableSink.Filed"/>).</summary>
/// <param name="record">The record, valid for the call only.</param>
public delegate void ReferenceFiled(in NotificationRecord record);
