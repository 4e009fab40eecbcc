using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Tern.Transports.Fetch;

/// <summary>
/// The source a connection counts against for <see cref="FetchServerOptions.MaxConnectionsPerSource"/>: an IPv4 address
/// (IPv4-mapped IPv6 included, so a dual-stack listener counts it the same), or an IPv6 /64. A host is commonly given a
/// whole /64 and picks addresses in it freely, so a cap per IPv6 address would bound nothing.
/// </summary>
internal static class ConnectionSource
{
    /// <summary>The key of a connection whose remote end is not an IP address: counted in the total only.</summary>
    public static readonly UInt128 None = UInt128.MaxValue;

    /// <summary>The source key of <paramref name="remote"/>, or <see cref="None"/>. Allocates nothing.</summary>
    public static UInt128 Of(EndPoint? remote)
    {
        if (remote is not IPEndPoint { Address: var address })
        {
            return None;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return None;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6)
        {
            // As the mapped address ::ffff:a.b.c.d: its high half is 0, which no /64 key below can be but ::/64 itself
            // (loopback and unspecified), and its low half is never 0 as a /64 key's is.
            var v4 = BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(written - 4, 4));
            return new UInt128(0, 0xFFFF_0000_0000UL | v4);
        }

        return new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), 0);
    }
}
