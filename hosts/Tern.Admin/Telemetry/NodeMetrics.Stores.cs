using Tern.Engine.Pull;
using Tern.Node;
using Tern.Transports.Fetch;

namespace Tern.Admin.Telemetry;

internal sealed partial class NodeMetrics
{
    /// <summary>Bounds of the commit-latency buckets, in seconds: a group commit is an fdatasync or two, 0.1 ms on fast flash to seconds on a disk in trouble.</summary>
    private static readonly double[] CommitBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>The fetch doors (docs/PROTOCOL.md §8): fetches by door and status, bytes served, connections.</summary>
    private void AddFetch(TernNode node)
    {
        if (node.Fetch is not { } fetch)
        {
            return;
        }

        var requests = fetch.Requests;
        var fetches = _factory.CreateCounter("tern_fetch_requests_total", "Blob fetches answered, by door (framed, http, quic) and status.", "door", "status");
        foreach (var door in MetricNames.All<FetchDoor>())
        {
            foreach (var status in MetricNames.All<FetchStatus>())
            {
                var child = fetches.WithLabels(MetricNames.Label(door), MetricNames.Label(status));
                _refresh.Add(() => child.IncTo(requests.Fetches(door, status)));
            }
        }

        Counter("tern_fetch_served_bytes_total", "Blob bytes handed to fetchers' connections, by door (what §9 counts toward delivery).",
            "door", MetricNames.All<FetchDoor>(), MetricNames.Label, d => requests.BytesServed(d));
        var connections = fetch.Connections;
        Gauge("tern_fetch_connections_open", "Fetch connections open, over every door.", () => connections.Open);
        Counter("tern_fetch_connections_refused_total", "Fetch connections closed at accept, by the cap they hit.", "cap", ["per_source", "total"], c => c,
            c => c == "total" ? connections.RefusedTotal : connections.RefusedPerSource);
        Counter("tern_fetch_connections_too_slow_total", "Connections aborted below the minimum response data rate.", () => connections.TooSlow);
    }

    /// <summary>The transit store (docs/ARCHITECTURE.md §3): what it holds, its cap and volume, its commits and their latency.</summary>
    private CommitDurationBridge AddTransit(AdminContext admin)
    {
        var node = admin.Node;
        var transit = admin.Transit;
        Gauge("tern_transit_live_bytes", "Bytes the transit store holds for its deliveries (each blob once).", () => node.Store.LiveBytes);
        Gauge("tern_transit_max_bytes", "The store's cap, Tern:Transit:MaxBytes (0: none).", () => transit.MaxBytes);
        Gauge("tern_transit_blobs", "Blobs in the transit store's index.", () => node.Store.IndexCounts.Blobs);
        Gauge("tern_transit_deliveries", "Deliveries in the transit store's index.", () => node.Store.IndexCounts.Deliveries);
        Gauge("tern_transit_volume_free_bytes", "Bytes free on the data volume, as the store reads them before a submission.",
            () => transit.DiskSpace.AvailableBytes(transit.DataDirectory));
        Counter("tern_transit_commits_total", "Group commits of the transit store (each shared by every submission of its batch).", () => node.Store.CommitCount);
        Gauge("tern_pending_references", "References in the pending table (notifications filed, not yet pulled, retracted or expired).", () => node.Pending.Count);
        var histogram = _factory.CreateHistogram("tern_transit_commit_duration_seconds", "Time each group commit took to become durable.",
            new Prometheus.HistogramConfiguration { Buckets = CommitBuckets });
        return new CommitDurationBridge(node.Store, histogram);
    }

    /// <summary>The pull worker (docs/PROTOCOL.md §4.7): pulls by outcome, the queue and its retries.</summary>
    private void AddPull(TernNode node)
    {
        var puller = node.Puller;
        Counter("tern_pull_outcomes_total", "Pulls ended, by outcome.", "outcome", MetricNames.All<PullOutcome>(), MetricNames.Label, o => puller.Outcomes(o));
        Gauge("tern_pull_outstanding", "Pulls queued or running.", () => puller.Outstanding);
        Gauge("tern_pull_retries_waiting", "Failed pulls waiting for their retry.", () => puller.RetriesWaiting);
        Counter("tern_pull_retries_scheduled_total", "Pull retries scheduled after a failure.", () => puller.RetriesScheduled);
        Counter("tern_pull_retries_exhausted_total", "References whose pull retries ran out before expiry.", () => puller.RetriesExhausted);
        Counter("tern_pull_deferred_total", "Pulls not queued because the queue or their sender domain's share of it was full (the reference stays pending).", () => puller.Deferred);
    }
}
