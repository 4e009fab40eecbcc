using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Ingest;

/// <summary>Where accepted notification records go: the pending table, and the pull worker for "immediately".</summary>
public interface INotificationSink
{
    /// <summary>Records a validated notification; returns <see cref="DropReason.None"/> or why it was not recorded (e.g. <see cref="DropReason.TableFull"/>).</summary>
    DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, Pending.PullPreference preference, long nowMs);

    /// <summary>
    /// Says that <see cref="Accept"/> will soon be called for records with these capabilities and recipient hashes (a
    /// batch), so that the sink can start the memory fetches it will need. A hint: it changes nothing. The default
    /// does nothing.
    /// </summary>
    void Prefetch(ReadOnlySpan<FetchCapability> capabilities, ReadOnlySpan<RecipientHash> recipientHashes)
    {
    }

    /// <summary>
    /// Says that the calls to <see cref="Accept"/> until <see cref="EndRecords"/> come as one run from this thread (a group
    /// of a receive batch's notifications), so that the sink can take once what each record needs: the pending table's
    /// gate and a session. Every call is followed by <see cref="EndRecords"/> on the same thread, and nothing but
    /// <see cref="Accept"/> comes between them. The default does nothing.
    /// </summary>
    void BeginRecords()
    {
    }

    /// <summary>Ends the run <see cref="BeginRecords"/> began. The default does nothing.</summary>
    void EndRecords()
    {
    }

    /// <summary>
    /// Applies a retraction notice from <paramref name="senderKey"/> (docs/PROTOCOL.md §11). True when it removed a pending
    /// reference: one filed for its capability under its recipient hash by a notification from the same key, and the
    /// notice has no <c>after_fetch</c>. False when it changed nothing (which is not a drop).
    /// </summary>
    bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs);
}
