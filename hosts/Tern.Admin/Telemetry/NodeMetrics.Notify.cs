using Tern.Admin.Routes;
using Tern.Engine.Notify;
using Tern.Engine.Protocol.Custody;
using Tern.Engine.Protocol.Notification;
using Tern.Node;

namespace Tern.Admin.Telemetry;

internal sealed partial class NodeMetrics
{
    private void AddNode(AdminContext admin)
    {
        var info = _factory.CreateGauge("tern_node_info", "The domain this node serves (always 1).", "domain");
        info.WithLabels(admin.Node.Domain).Set(1);
        Gauge("tern_node_ready", "1 when the node reports itself ready (GET /admin/v1/health/ready), else 0.", () => HealthRoutes.Reasons(admin).Count == 0 ? 1 : 0);
        Gauge("tern_blocked_domains", "Sender domains the operator blocked (blocks.txt).", () => admin.Node.Blocks.Domains.Count);
    }

    /// <summary>The notification port, receiving (docs/PROTOCOL.md §4.4): datagrams in, drops by reason, records filed, and the ingest's tables.</summary>
    private void AddNotificationPort(TernNode node, TimeProvider time)
    {
        var ingest = node.Ingest;
        Counter("tern_notify_datagrams_received_total", "Datagrams the notification ports received.", () => node.Listeners.Sum(p => p.DatagramsReceived));
        Counter("tern_notify_kernel_drops_total", "Datagrams the kernel dropped on the notification ports before the node read them (a receive buffer full).",
            () => node.Listeners.Sum(p => p.KernelDrops));
        Counter("tern_notify_datagrams_accepted_total", "Datagrams that opened and passed the time rules.", () => node.Listeners.Sum(p => p.Counters.DatagramsAccepted));
        Counter("tern_notify_datagrams_opened_under_other_key_total", "Datagrams that opened under the other agreement key of a key rotation (a peer still sealing to the previous key).",
            () => node.Listeners.Sum(p => p.Counters.DatagramsOpenedUnderOther));
        Counter("tern_notify_drops_total", "Datagrams (or, for record-level reasons, records) dropped, by docs/PROTOCOL.md §4.4 reason.",
            "reason", [.. MetricNames.All<DropReason>().Where(r => r != DropReason.None)], MetricNames.Label, r => node.Listeners.Sum(p => p.Counters.Drops(r)));
        Counter("tern_notify_records_filed_total", "Notification records filed into the pending table.", () => node.Listeners.Sum(p => p.Counters.RecordsAccepted));
        Counter("tern_notify_retractions_applied_total", "Retraction records that removed a pending reference.", () => node.Listeners.Sum(p => p.Counters.RetractionsApplied));
        Counter("tern_notify_delivery_failures_total", "Opened datagrams whose records the pending table failed on (the rest of their records lost).",
            () => node.Listeners.Sum(p => p.Counters.DeliveryFailures));
        Counter("tern_notify_cold_keys_derived_total", "Key agreements (X25519) performed for new sender keys.", () => node.Listeners.Sum(p => p.Counters.ColdKeysDerived));

        // One scan of the ingest's tables per scrape; the gauges below read this snapshot.
        var occupancy = default(Engine.Ingest.IngestOccupancy);
        _refresh.Add(() => occupancy = ingest.Occupancy(time.GetUtcNow().ToUnixTimeMilliseconds()));
        string[] tables = ["verified", "known", "probation"];
        Gauge("tern_ingest_peer_keys", "Sender receive keys cached, by table (verified, known from discovery, on probation).", "table", tables, t => t,
            t => t switch { "verified" => occupancy.VerifiedKeys, "known" => occupancy.KnownKeys, _ => occupancy.ProbationKeys });
        Gauge("tern_ingest_peer_key_slots", "Slots of each receive-key table (fixed at start).", "table", tables, t => t,
            t => t switch { "verified" => occupancy.VerifiedCapacity, "known" => occupancy.KnownCapacity, _ => occupancy.ProbationCapacity });
        Gauge("tern_ingest_rate_buckets_used", "Per-source rate buckets a source has drawn from.", () => occupancy.SourceBucketsUsed);
        Gauge("tern_ingest_rate_buckets_empty", "Per-source rate buckets holding less than one token now: sources being shed as over_rate.", () => occupancy.SourceBucketsEmpty);
        Gauge("tern_ingest_rate_bucket_slots", "Slots of the per-source rate table (fixed at start).", () => occupancy.SourceBucketSlots);
        Gauge("tern_ingest_cold_key_tokens", "Tokens left in the global budget of new sender keys.", () => occupancy.ColdKeyTokens);
    }

    /// <summary>The notification port, sending (docs/PROTOCOL.md §5): datagrams out, retransmissions, deliveries no longer notified.</summary>
    private void AddDelivery(TernNode node)
    {
        var counters = node.Scheduler.Counters;
        Counter("tern_delivery_datagrams_sent_total", "Notification and retraction datagrams the socket sent.", () => node.Transport.Sent);
        Counter("tern_delivery_send_failures_total", "Datagrams the socket failed to send.", () => node.Transport.Failed);
        Counter("tern_delivery_records_sent_total", "Notification records sent (first sends and retransmissions).", () => counters.RecordsSent);
        Counter("tern_delivery_retransmissions_total", "Notification records sent again (attempt > 1).", () => counters.Retransmissions);
        Counter("tern_delivery_paced_total", "Records put off by a peer's datagram budget (PeerDatagramsPerSecond) to their turn.", () => counters.Paced);
        Counter("tern_delivery_peer_failures_total", "Peer resolutions that failed (no descriptor, no address).", () => counters.PeerFailures);
        Counter("tern_delivery_stopped_total", "Deliveries no longer notified, by reason.", "reason", MetricNames.All<StopReason>(), MetricNames.Label, r => counters.Stopped(r));
    }

    /// <summary>
    /// Responsibility transfer (docs/PROTOCOL.md §10): a gateway's offers, acceptances, declines and expiries, a sender's
    /// transfers and refused receipts, and every node's blobs that expired unfetched (one count each).
    /// </summary>
    private void AddCustody(TernNode node)
    {
        Counter("tern_custody_offers_total", "Offers this gateway answered (repeats included).", () => node.Gateway?.Counters.Offers ?? 0);
        Counter("tern_custody_accepted_total", "Blobs this gateway took responsibility for.", () => node.Gateway?.Counters.Accepted ?? 0);
        Counter("tern_custody_declined_total", "Offers this gateway declined before fetching anything.", () => node.Gateway?.Counters.Declined ?? 0);
        Counter("tern_custody_declines_total", "Offers this gateway declined, by docs/PROTOCOL.md §10.3 reason (full: past its high-water mark).",
            "reason", MetricNames.All<CustodyDeclineReason>(), MetricNames.Label, r => node.Gateway?.Counters.DeclinedFor(r) ?? 0);
        Counter("tern_custody_offers_sent_total", "Offers this node sent to gateways (repeats included).", () => node.Custody?.Counters.OffersSent ?? 0);
        Counter("tern_custody_declines_received_total", "Declines this node received from gateways, by reason (full, fetch_failed, sender_unknown: offered again later; expiry, too_large, policy, bad_offer: notified by this node).",
            "reason", MetricNames.All<CustodyDeclineReason>(), MetricNames.Label, r => node.Custody?.Counters.DeclinedByGatewayFor(r) ?? 0);
        Counter("tern_custody_fetch_failed_total", "Transfers this gateway gave up on after it began fetching.", () => node.Gateway?.Counters.FetchFailed ?? 0);
        Counter("tern_custody_transferred_total", "Blob and destination pairs this node transferred to a gateway on a verified receipt.", () => node.Custody?.Counters.Transferred ?? 0);
        Counter("tern_custody_receipts_refused_total", "Receipts this node refused (the deliveries stayed with it).", () => node.Custody?.Counters.ReceiptsRefused ?? 0);
        Counter("tern_transit_blobs_expired_total", "Blobs that expired with deliveries unfetched, each counted once.", () => node.Store.BlobsExpired);
    }
}
