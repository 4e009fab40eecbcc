using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Wire;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /economics</c>: what each sending account and each peer domain costs this node (docs/ARCHITECTURE.md §3.4): transit
/// live bytes and byte-seconds, deliveries by state, notifications and retransmissions sent, and for a peer also the
/// pending references it holds here and the records dropped while it was blocked.
/// </summary>
internal static class EconomicsRoutes
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/economics", Get).WithName("Economics").WithTags("economics").Produces<EconomicsReport>();

    private static IResult Get(AdminContext admin)
    {
        var node = admin.Node;
        var accounts = node.Store.ListAccountStats()
            .Select(row => new AccountEconomics(row.Name, row.Stats.LiveBytes, row.Stats.ByteSeconds, DeliveryCounts.Of(row.Stats)))
            .ToList();

        // A peer appears when it is a destination of ours, has references pending here, or is blocked.
        var ledger = node.Store.ListDomainStats().ToDictionary(r => r.Name, r => r.Stats, StringComparer.Ordinal);
        var activity = node.Store.ListDomainActivity().ToDictionary(a => a.Domain, StringComparer.Ordinal);
        var pending = node.Pending.ListSenderDomainCounts().ToDictionary(p => p.SenderDomain, p => p.References, StringComparer.Ordinal);
        var blocked = node.Blocks.Snapshot().ToDictionary(b => b.Domain, b => b.Dropped, StringComparer.Ordinal);
        var names = new SortedSet<string>(ledger.Keys, StringComparer.Ordinal);
        names.UnionWith(pending.Keys);
        names.UnionWith(blocked.Keys);
        var domains = names.Select(name =>
        {
            var stats = ledger.GetValueOrDefault(name);
            var sent = activity.GetValueOrDefault(name);
            return new DomainEconomics(name, stats.LiveBytes, stats.ByteSeconds, DeliveryCounts.Of(stats), sent.Notifications, sent.Retransmissions,
                pending.GetValueOrDefault(name), blocked.GetValueOrDefault(name));
        }).ToList();
        return Results.Json(new EconomicsReport(accounts, domains));
    }
}
