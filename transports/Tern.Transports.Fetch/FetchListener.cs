using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Tern.Transports.Fetch;

/// <summary>
/// One listening endpoint of the fetch server: which door, where, and whether it speaks TLS. After
/// <see cref="FetchServer.StartAsync"/>, <see cref="BoundEndPoint"/> holds the actual address (port 0 resolved).
/// </summary>
public sealed class FetchListener
{
    /// <summary>Creates a listener for <paramref name="door"/> on <paramref name="endPoint"/>.</summary>
    public FetchListener(FetchDoor door, IPEndPoint endPoint, bool tls)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Door = door;
        EndPoint = endPoint;
        Tls = tls;
    }

    /// <summary>The door served here.</summary>
    public FetchDoor Door { get; }

    /// <summary>The configured address; port 0 picks a free port.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Whether the listener speaks TLS with the server's certificate (QUIC always does).</summary>
    public bool Tls { get; }

    /// <summary>
    /// HTTP versions on an HTTP listener. Defaults to HTTP/1.1 and HTTP/2, negotiated by ALPN over TLS. In plain text
    /// Kestrel cannot offer both on one port (it falls back to HTTP/1.1), so h2c with prior knowledge takes a listener
    /// of its own with <see cref="HttpProtocols.Http2"/>.
    /// </summary>
    public HttpProtocols HttpProtocols { get; init; } = HttpProtocols.Http1AndHttp2;

    /// <summary>
    /// The implementation behind an HTTP listener that speaks HTTP/1.1 only (<see cref="HttpProtocols"/> = Http1).
    /// Defaults to Tern's own door; listeners that offer HTTP/2 always use Kestrel's HTTP stack.
    /// </summary>
    public Http1Implementation Http1 { get; init; } = Http1Implementation.Tern;

    /// <summary>Served by a door Tern drives itself (framed, Tern's HTTP/1.1) rather than by Kestrel's HTTP stack or QUIC.</summary>
    internal bool IsDirect => Door == FetchDoor.Framed || (Door == FetchDoor.Http && HttpProtocols == HttpProtocols.Http1 && Http1 == Http1Implementation.Tern);

    /// <summary>The address actually bound, once the server has started.</summary>
    public IPEndPoint? BoundEndPoint { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Door} {(Tls ? "tls" : "plain")} {BoundEndPoint ?? EndPoint}";
}
