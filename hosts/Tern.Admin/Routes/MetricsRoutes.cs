using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;
using Tern.Admin.Http;
using Tern.Admin.Telemetry;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /metrics</c>: every figure in Prometheus's text format, for a scraper that sends the admin token as a bearer
/// token (docs/OPERATIONS.md "Metrics" says why it needs one). At the conventional path, outside <c>/admin/v1</c>.
/// </summary>
internal static class MetricsRoutes
{
    public const string Path = "/metrics";

    public static void Map(IEndpointRouteBuilder app, AdminBearerFilter bearer) =>
        app.MapGet(Path, (NodeMetrics metrics) => new Scrape(metrics))
            .AddEndpointFilter(bearer)
            .WithName("Metrics")
            .WithTags("metrics")
            .Produces<string>(StatusCodes.Status200OK, PrometheusConstants.TextContentType)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>Writes the exposition straight into the response body.</summary>
    private sealed class Scrape(NodeMetrics metrics) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = PrometheusConstants.TextContentTypeWithVersionAndEncoding;
            httpContext.Response.Headers.CacheControl = "no-store";
            return metrics.WriteAsync(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}
