using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>Where accepted notification records go: the pending table, and the pull worker for "immediately".</summary>
public interface INotificationSink
{
    /// <summary>Records a validated notification; returns <see cref="DropReason.None"/> or why it was not recorded (e.g. <see cref="DropReason.TableFull"/>).</summary>
    DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, Pull.PullPreference preference, long nowMs);

    /// <summary>Applies a retraction notice from <paramref name="senderKey"/>.</summary>
    void Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs);
}
