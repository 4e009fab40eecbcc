using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol.Notification;

namespace Tern.Load.E2e;

/// <summary>The recipient's ingest sink (<see cref="PendingTableSink"/>), stamping when a reference has been filed.</summary>
internal sealed class StampingSink(PendingTableSink inner, StageClock stages) : INotificationSink
{
    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        var inserted = inner.Inserted;
        var result = inner.Accept(record, senderKey, preference, nowMs);
        if (inner.Inserted != inserted)
        {
            stages.Filed(record.Capability);
        }

        return result;
    }

    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs) => inner.Retract(record, senderKey, nowMs);
}
