using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Tern.Transports.Fetch.Quic;

namespace Tern.Transports.Fetch;

/// <summary>
/// Attaches the fetch doors to Kestrel listeners the way Kestrel's own protocols attach (<c>UseHttps</c>,
/// <c>UseConnectionHandler</c>): each call adds the connection caps first (a connection over a cap is closed before it
/// costs a handshake), then TLS when asked, then the door. Every listener of one <see cref="FetchDoors"/> shares its
/// caps, deadlines and coverage, whichever Kestrel server it is on.
/// </summary>
public static class TernFetchListenOptionsExtensions
{
    // Marks a connection accepted by a Kestrel HTTP door listener, so UseTernKestrelHttpDoor's request middleware can
    // tell it from the other listeners of a shared application without knowing their (possibly port 0) addresses.
    internal static readonly object DoorKey = new();

    /// <summary>
    /// The door <paramref name="listener"/> describes (framed, Tern's HTTP/1.1, or Kestrel's HTTP stack), with its TLS
    /// and HTTP versions. QUIC is no Kestrel listener: start it with <see cref="FetchDoors.StartQuicAsync"/>.
    /// </summary>
    public static ListenOptions UseTernDoor(this ListenOptions listen, FetchDoors doors, FetchListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return listener.Door switch
        {
            FetchDoor.Framed => listen.UseTernFramedDoor(doors, listener.Tls),
            FetchDoor.Http when listener.IsDirect => listen.UseTernHttpDoor(doors, listener.Tls),
            FetchDoor.Http => listen.UseTernKestrelHttpDoor(doors, listener.Tls, listener.HttpProtocols),
            _ => throw new ArgumentException($"Listener {listener} is not served on Kestrel.", nameof(listener)),
        };
    }

    /// <summary>The per-source and total connection caps of <paramref name="doors"/> alone, as connection middleware.</summary>
    public static ListenOptions UseTernConnectionCaps(this ListenOptions listen, FetchDoors doors)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(doors);
        listen.Use(doors.Limiter.Wrap);
        return listen;
    }

    /// <summary>The framed door (docs/PROTOCOL.md §8.2–8.3), over TLS with ALPN <c>tern/1</c> when <paramref name="tls"/>.</summary>
    public static ListenOptions UseTernFramedDoor(this ListenOptions listen, FetchDoors doors, bool tls)
    {
        listen.UseTernConnectionCaps(doors);
        if (tls)
        {
            var certificate = RequireCertificate(doors);
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ApplicationProtocols = [QuicFetchDoor.Alpn],
                }),
            });
        }

        listen.Run(doors.Framed.OnConnectedAsync);
        return listen;
    }

    /// <summary>Tern's own HTTP/1.1 blob door (§8.4) on a connection handler, without Kestrel's HTTP stack.</summary>
    public static ListenOptions UseTernHttpDoor(this ListenOptions listen, FetchDoors doors, bool tls)
    {
        listen.UseTernConnectionCaps(doors);
        listen.Protocols = HttpProtocols.Http1;
        if (tls)
        {
            // ALPN follows listen.Protocols: http/1.1 alone.
            listen.UseHttps(RequireCertificate(doors));
        }

        listen.Run(doors.Http1.OnConnectedAsync);
        return listen;
    }

    /// <summary>
    /// The HTTP blob door on Kestrel's HTTP stack (<paramref name="protocols"/>: HTTP/2, or HTTP/1.1 and HTTP/2 by ALPN
    /// over TLS): the listener serves the application's request pipeline, in which <see cref="TernFetchApplicationBuilderExtensions.UseTernHttpDoorRequests"/>
    /// answers this listener's requests as the blob door. A Kestrel server of its own may instead run
    /// <see cref="FetchDoors.HandleHttpAsync"/> as its whole application.
    /// </summary>
    public static ListenOptions UseTernKestrelHttpDoor(this ListenOptions listen, FetchDoors doors, bool tls, HttpProtocols protocols)
    {
        listen.UseTernConnectionCaps(doors);
        listen.Use(next => connection =>
        {
            connection.Items[DoorKey] = doors;
            return next(connection);
        });
        listen.Protocols = protocols;
        if (tls)
        {
            listen.UseHttps(RequireCertificate(doors));
        }

        return listen;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 RequireCertificate(FetchDoors doors) =>
        doors.Options.Certificate ?? throw new InvalidOperationException("A TLS fetch door needs FetchServerOptions.Certificate.");
}
