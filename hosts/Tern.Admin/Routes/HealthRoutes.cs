using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Tern.Admin.Wire;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>/health/live</c> answers 200 while the process serves requests; <c>/health/ready</c> answers 200 once every stage has
/// started, and 503 naming the reasons while the node is still starting (recovering its stores), is stopping, its data
/// volume is past its high-water mark (<c>Tern:Transit:MinFreeBytes</c>) or its transit store is full to
/// <c>Tern:Transit:MaxBytes</c> (either way it refuses submissions).
/// </summary>
internal static class HealthRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/health/live", () => Results.Json(new HealthReport("live", []))).WithName("Live").WithTags("health").Produces<HealthReport>();
        group.MapGet("/health/ready", Ready).WithName("Ready").WithTags("health").Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Ready(AdminContext admin)
    {
        var reasons = Reasons(admin);
        return Results.Json(new HealthReport(reasons.Count == 0 ? "ready" : "not-ready", reasons),
            statusCode: reasons.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Why the node is not ready; empty when it is.</summary>
    public static List<string> Reasons(AdminContext admin)
    {
        var node = admin.Node;
        var reasons = new List<string>();
        if (!node.Ready.IsCompletedSuccessfully)
        {
            reasons.Add("starting: the stores are recovering or a stage has not started yet");
        }

        if (node.Stopping)
        {
            reasons.Add("stopping");
        }

        // The data volume's high-water mark, read as the transit store reads it before a submission.
        var transit = admin.Transit;
        if (transit.MinFreeBytes > 0 && transit.DiskSpace.AvailableBytes(transit.DataDirectory) is var free && free < transit.MinFreeBytes)
        {
            reasons.Add($"disk past its high-water mark: {free} bytes free, under Tern:Transit:MinFreeBytes {transit.MinFreeBytes}");
        }

        if (node.Ready.IsCompletedSuccessfully && admin.Transit.MaxBytes > 0 && node.Store.LiveBytes >= admin.Transit.MaxBytes)
        {
            reasons.Add($"transit store full: {node.Store.LiveBytes} live bytes of Tern:Transit:MaxBytes {admin.Transit.MaxBytes}");
        }

        return reasons;
    }
}
