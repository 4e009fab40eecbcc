using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Http;
using Tern.Admin.Wire;
using Tern.Engine.Protocol;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /blocks</c>, <c>PUT</c> and <c>DELETE /blocks/{domain}</c>: sender domains whose notifications the node drops
/// (docs/PROTOCOL.md §4.4 <c>blocked</c>), from the next datagram on, each drop counted; kept in <c>blocks.txt</c>.
/// </summary>
internal static class BlockRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/blocks", List).WithName("Blocks").WithTags("blocks").Produces<BlockedDomain[]>();
        group.MapPut("/blocks/{domain}", Block).WithName("Block").WithTags("blocks").Produces<BlockedDomain[]>().Produces<BlockedDomain[]>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapDelete("/blocks/{domain}", Unblock).WithName("Unblock").WithTags("blocks").Produces<BlockedDomain[]>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult List(AdminContext admin) => Results.Json(Snapshot(admin));

    private static IResult Block(AdminContext admin, string domain)
    {
        if (Normalize(domain) is not { } name)
        {
            return Invalid();
        }

        var added = admin.Node.Blocks.Add(name);
        return Results.Json(Snapshot(admin), statusCode: added ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static IResult Unblock(AdminContext admin, string domain)
    {
        if (Normalize(domain) is not { } name)
        {
            return Invalid();
        }

        return admin.Node.Blocks.Remove(name) ? Results.Json(Snapshot(admin))
            : AdminProblems.Field("domain", $"{name} is not blocked", StatusCodes.Status404NotFound, "not-found");
    }

    private static BlockedDomain[] Snapshot(AdminContext admin) => [.. admin.Node.Blocks.Snapshot().Select(b => new BlockedDomain(b.Domain, b.Dropped))];

    private static string? Normalize(string domain)
    {
        try
        {
            return DomainName.Normalize(domain);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static IResult Invalid() =>
        AdminProblems.Field("domain", "domain must be a domain name: ASCII letters, digits, '-' and '.', labels of 1 to 63, at most 253 bytes");

    /// <summary>The domain checks shared with the preference route.</summary>
    internal static string? Domain(string domain) => Normalize(domain);
}
