using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Wire;
using Tern.Engine.Protocol.Notification;

namespace Tern.Admin.Routes;

/// <summary><c>GET /stats</c>: the node's counters — datagrams in and out, drops by reason, store sizes, pulls.</summary>
internal static class StatsRoutes
{
    private static readonly DropReason[] Reasons = [.. Enum.GetValues<DropReason>().Where(r => r != DropReason.None)];

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/stats", Get).WithName("Stats").WithTags("stats").Produces<NodeStats>();

    private static IResult Get(AdminContext admin)
    {
        var node = admin.Node;
        var counters = node.Ingest.Counters;
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in Reasons)
        {
            // docs/PROTOCOL.md §4.4 names the reasons in snake case.
            drops[JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString())] = counters.Drops(reason);
        }

        var notify = new NotifyStats(node.Listener.DatagramsReceived, node.Listener.KernelDrops, counters.DatagramsAccepted, counters.RecordsAccepted,
            counters.RetractionsApplied, counters.ColdKeysDerived, counters.DeliveryFailures, node.Transport.Sent, node.Transport.Failed, drops);
        var (blobs, deliveries) = node.Store.IndexCounts;
        var transit = new TransitSizes(node.Store.LiveBytes, admin.Transit.MaxBytes, blobs, deliveries, node.Store.CommitCount);
        var pull = new PullStats(node.Puller.Outstanding, node.Puller.RetriesWaiting, node.Puller.RetriesScheduled, node.Puller.RetriesExhausted);
        var uptime = (long)(DateTimeOffset.UtcNow - admin.StartedAt).TotalSeconds;
        return Results.Json(new NodeStats(node.Domain, uptime, HealthRoutes.Reasons(admin).Count == 0, notify, transit, node.Pending.Count, pull, node.Blocks.Domains.Count));
    }
}
