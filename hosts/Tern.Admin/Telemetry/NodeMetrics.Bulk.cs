using Tern.Engine.Bulk;
using Tern.Node;

namespace Tern.Admin.Telemetry;

internal sealed partial class NodeMetrics
{
    /// <summary>
    /// A gateway's bulk port (docs/PROTOCOL.md §17): datagrams in and those dropped silently by cause, sessions sent and
    /// received by outcome, and the relay's blobs carried to next hops. All 0 on a node without a bulk port.
    /// </summary>
    private void AddBulk(TernNode node)
    {
        Counter("tern_bulk_datagrams_total", "Datagrams that arrived at the bulk port.", () => node.BulkPort?.Datagrams ?? 0);
        Counter("tern_bulk_dropped_total", "Bulk datagrams dropped without an answer, by cause (docs/PROTOCOL.md §17.2).",
            "cause", ["malformed", "unknown_session", "unexpected", "foreign_source", "over_limit"], c => c, c => Dropped(node.BulkSender?.Counters, c) + Dropped(node.BulkReceiver?.Counters, c));
        Counter("tern_bulk_sessions_sent_total", "Bulk sessions this gateway sent, by outcome.",
            "outcome", ["completed", "cancelled"], o => o, o => o == "completed" ? node.BulkSender?.Counters.SessionsCompleted ?? 0 : node.BulkSender?.Counters.SessionsCancelled ?? 0);
        Counter("tern_bulk_sessions_received_total", "Bulk sessions this gateway received, by outcome.",
            "outcome", ["completed", "refused", "cancelled"], o => o, o => Received(node.BulkReceiver?.Counters, o));
        Counter("tern_bulk_receipts_rejected_total", "Session receipts that did not verify (the blobs stayed here).", () => node.BulkSender?.Counters.ReceiptsRejected ?? 0);
        Counter("tern_bulk_transferred_total", "Blob and destination pairs carried to a bulk next hop on a verified receipt.", () => node.BulkRelay?.Counters.Transferred ?? 0);
        Counter("tern_bulk_carried_again_total", "Blobs a session did not carry (cancelled, declined, not accepted), waiting for the next.", () => node.BulkRelay?.Counters.CarriedAgain ?? 0);
        Counter("tern_bulk_late_receipts_total", "Receipts verified after their session timed out (docs/PROTOCOL.md §17.6); what they covered was transferred once.", () => node.BulkSender?.Counters.LateReceipts ?? 0);
        Counter("tern_bulk_awaiting_receipt_total", "Blobs kept back after a session timed out with its block reported whole, for its late receipt.", () => node.BulkRelay?.Counters.AwaitingReceipt ?? 0);
        Counter("tern_bulk_not_in_time_total", "Blobs held for a next hop that could no longer arrive before their expiry (they expire here, once).", () => node.BulkRelay?.Counters.NotInTime ?? 0);
        Gauge("tern_bulk_held", "Blob and destination pairs held for bulk next hops now.", () => node.BulkRelay?.HeldCount ?? 0);
    }

    private static double Dropped(BulkCounters? counters, string cause) => counters is null ? 0 : cause switch
    {
        "malformed" => counters.Malformed,
        "unknown_session" => counters.UnknownSession,
        "unexpected" => counters.Unexpected,
        "foreign_source" => counters.ForeignSource,
        _ => counters.OverLimit,
    };

    private static double Received(BulkCounters? counters, string outcome) => counters is null ? 0 : outcome switch
    {
        "completed" => counters.SessionsCompleted,
        "refused" => counters.SessionsRefused,
        _ => counters.SessionsCancelled,
    };
}
