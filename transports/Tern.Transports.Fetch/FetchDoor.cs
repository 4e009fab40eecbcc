namespace Tern.Transports.Fetch;

/// <summary>The three doors of the blob service (docs/PROTOCOL.md §8).</summary>
public enum FetchDoor
{
    /// <summary>The framed binary protocol over TCP (§8.2–8.3), on a Kestrel connection handler.</summary>
    Framed = 0,

    /// <summary><c>GET</c>/<c>HEAD /v1/blobs/{capability}</c> over HTTP/1.1 and HTTP/2 (§8.1).</summary>
    Http = 1,

    /// <summary>One QUIC stream per fetch, ALPN <c>tern/1</c> (§8.4); only where libmsquic is present.</summary>
    Quic = 2,
}
