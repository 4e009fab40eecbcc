using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;

namespace Tern.Transports.Fetch;

/// <summary>The request side of the fetch doors that run on Kestrel's HTTP stack, in an application shared with other listeners.</summary>
public static class TernFetchApplicationBuilderExtensions
{
    /// <summary>
    /// Answers the requests of the listeners set up with <see cref="TernFetchListenOptionsExtensions.UseTernKestrelHttpDoor"/>
    /// as the blob door (terminal); requests of the application's other listeners go on down its pipeline.
    /// </summary>
    public static IApplicationBuilder UseTernHttpDoorRequests(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(next => context =>
            context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(TernFetchListenOptionsExtensions.DoorKey, out var value) == true && value is FetchDoors doors
                ? doors.HandleHttpAsync(context)
                : next(context));
    }
}
