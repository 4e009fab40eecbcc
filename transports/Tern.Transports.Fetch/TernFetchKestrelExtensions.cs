using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tern.Transports.Fetch;

/// <summary>Puts the fetch doors on a Kestrel server, one listener per door, beside whatever else it serves.</summary>
public static class TernFetchKestrelExtensions
{
    /// <summary>
    /// Adds the doors' socket transport, which accepts each door inline or on the thread pool as
    /// <see cref="FetchServerOptions.InlineDirectDoors"/> and <see cref="FetchServerOptions.InlineScheduling"/> say
    /// (a choice Kestrel makes per transport, not per listener). Other listeners keep Kestrel's default transport.
    /// </summary>
    public static IWebHostBuilder UseTernFetchTransport(this IWebHostBuilder builder, FetchServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.ConfigureServices(services => services.AddSingleton<IConnectionListenerFactory>(provider =>
            new DoorTransportFactory(options, provider.GetRequiredService<ILoggerFactory>())));
    }

    /// <summary>
    /// Listens on <paramref name="listener"/>'s address with its door (<see cref="TernFetchListenOptionsExtensions.UseTernDoor"/>);
    /// <see cref="FetchDoors.ListenersStarted"/> then sets its <see cref="FetchListener.BoundEndPoint"/>. Needs
    /// <see cref="UseTernFetchTransport"/> on the server. QUIC is no Kestrel listener: see <see cref="FetchDoors.StartQuicAsync"/>.
    /// </summary>
    public static void ListenTernDoor(this KestrelServerOptions kestrel, FetchDoors doors, FetchListener listener)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(doors);
        ArgumentNullException.ThrowIfNull(listener);
        var inline = listener.IsDirect ? doors.Options.InlineDirectDoors : doors.Options.InlineScheduling;
        kestrel.Listen(new DoorEndPoint(listener.EndPoint, inline), listen =>
        {
            doors.Track(listener, listen);
            listen.UseTernDoor(doors, listener);
        });
    }
}
