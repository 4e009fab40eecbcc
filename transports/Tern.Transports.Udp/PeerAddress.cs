using System.Net;

namespace Tern.Transports.Udp;

/// <summary>A peer's socket address in kernel form (sockaddr_in / sockaddr_in6), computed once per peer.</summary>
public readonly struct PeerAddress
{
    private readonly byte[] _bytes;

    private PeerAddress(byte[] bytes, int length)
    {
        _bytes = bytes;
        Length = length;
    }

    /// <summary>The sockaddr bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, Length);

    /// <summary>Length of the sockaddr.</summary>
    public int Length { get; }

    /// <summary>Converts an endpoint.</summary>
    public static PeerAddress From(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.Serialize();
        var bytes = address.Buffer.ToArray();
        return new PeerAddress(bytes, address.Size);
    }
}
