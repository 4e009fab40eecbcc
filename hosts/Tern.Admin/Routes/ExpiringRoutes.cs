using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Http;
using Tern.Admin.Wire;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /expiring?before=T</c> (RFC 3339): per destination domain, the outstanding deliveries whose blob expires before T
/// and their bytes — what peers have not fetched and will lose unless they pull first.
/// </summary>
internal static class ExpiringRoutes
{
    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/expiring", Get).WithName("Expiring").WithTags("inspection").Produces<ExpiringReport>().ProducesProblem(StatusCodes.Status400BadRequest);

    private static IResult Get(AdminContext admin, string? before)
    {
        // An offset is required ('Z' or ±hh:mm): an instant without one would be read in the node's own time zone.
        if (before is null || !DateTimeOffset.TryParseExact(before, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return AdminProblems.Field("before", "before must be an RFC 3339 instant with its offset, e.g. 2026-12-07T00:00:00Z");
        }

        var destinations = admin.Node.Store.ListExpiringBefore(instant);
        return Results.Json(new ExpiringReport(instant, destinations.Sum(d => d.Deliveries), destinations.Sum(d => d.Bytes),
            [.. destinations.Select(d => new ExpiringItem(d.Domain, d.Deliveries, d.Bytes))]));
    }
}
