using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Http;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>POST /keys/rotate</c>: the place of key rotation (issue 16, "Key rotation and domain migration"), which is specified
/// and built separately; until then the route answers 501 so a client learns the surface has it but this node does not.
/// </summary>
internal static class KeyRoutes
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/keys/rotate", () => AdminProblems.NotImplemented("key rotation is not built in this version: the domain's keys stay those of keys/domain.key"))
            .WithName("RotateKeys").WithTags("keys").ProducesProblem(StatusCodes.Status501NotImplemented);
}
