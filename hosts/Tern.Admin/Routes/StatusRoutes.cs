using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Status;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /status</c>: the status page. It holds no figure, so it is served without the token; its script asks for the
/// token (or takes it from the URL's fragment) and reads <c>/metrics</c> and the admin routes with it.
/// </summary>
internal static class StatusRoutes
{
    public const string Path = "/status";

    public static void Map(IEndpointRouteBuilder app, StatusPage page) =>
        app.MapGet(Path, (HttpContext context) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = page.Policy;
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return Results.Bytes(page.Html, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
}
