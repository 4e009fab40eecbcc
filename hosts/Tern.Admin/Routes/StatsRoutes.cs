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
        var listeners = node.Listeners;
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in Reasons)
        {
            // docs/PROTOCOL.md §4.4 names the reasons in snake case.
            drops[JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString())] = listeners.Sum(l => l.Counters.Drops(reason));
        }

        var ports = listeners.Select(l => new NotifyPortStats(l.LocalEndpoint.ToString(), l.DatagramsReceived, l.KernelDrops,
            l.Counters.DatagramsAccepted, l.Counters.DatagramsOpenedUnderOther)).ToList();
        var notify = new NotifyStats(ports.Sum(p => p.DatagramsReceived), ports.Sum(p => p.KernelDrops), ports.Sum(p => p.DatagramsAccepted),
            listeners.Sum(l => l.Counters.RecordsAccepted), listeners.Sum(l => l.Counters.RetractionsApplied), listeners.Sum(l => l.Counters.ColdKeysDerived),
            listeners.Sum(l => l.Counters.DeliveryFailures), node.Transport.Sent, node.Transport.Failed, drops, ports.Sum(p => p.DatagramsOpenedUnderOtherKey), ports);
        var (blobs, deliveries) = node.Store.IndexCounts;
        var transit = new TransitSizes(node.Store.LiveBytes, admin.Transit.MaxBytes, blobs, deliveries, node.Store.CommitCount);
        var pull = new PullStats(node.Puller.Outstanding, node.Puller.RetriesWaiting, node.Puller.RetriesScheduled, node.Puller.RetriesExhausted, node.Puller.Deferred);
        var uptime = (long)(DateTimeOffset.UtcNow - admin.StartedAt).TotalSeconds;
        return Results.Json(new NodeStats(node.Domain, uptime, HealthRoutes.Reasons(admin).Count == 0, notify, transit, node.Pending.Count, pull, node.Blocks.Domains.Count));
    }
}
