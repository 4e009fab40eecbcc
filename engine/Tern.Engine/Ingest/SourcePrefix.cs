using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Tern.Engine.Ingest;

/// <summary>
/// The source a datagram's rate limits are charged to (docs/PROTOCOL.md §4.4, docs/ARCHITECTURE.md §3.6): an IPv4
/// address, or the /64 an IPv6 address belongs to, hashed for the ingest's fixed-size tables. One host holds a whole
/// /64 (SLAAC hands one to each link) and can send from any of its 2^64 addresses, so charging the full 128-bit address
/// would give it an unbounded number of budgets. IPv4-mapped IPv6 addresses (a dual-stack socket) count as IPv4.
/// </summary>
public static class SourcePrefix
{
    /// <summary>The source of a 4-byte IPv4 address (network order).</summary>
    public static int OfIPv4(ReadOnlySpan<byte> address)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(address.Length, 4);

        // HashCode is seeded per process: nobody can aim addresses at the slot of another source.
        return HashCode.Combine(BinaryPrimitives.ReadUInt32BigEndian(address));
    }

    /// <summary>The source of a 16-byte IPv6 address: its /64, or the IPv4 address it maps.</summary>
    public static int OfIPv6(ReadOnlySpan<byte> address)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(address.Length, 16);
        if (BinaryPrimitives.ReadUInt64BigEndian(address) == 0 && BinaryPrimitives.ReadUInt32BigEndian(address[8..]) == 0xffff)
        {
            return OfIPv4(address[12..]);
        }

        // The upper half only, and mixed apart from IPv4 sources (whose hash takes one 32-bit word).
        return HashCode.Combine(BinaryPrimitives.ReadUInt64BigEndian(address), 64);
    }

    /// <summary>The source of <paramref name="address"/>.</summary>
    public static int Of(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException("Not an IP address.", nameof(address));
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 ? OfIPv6(bytes[..written]) : OfIPv4(bytes[..written]);
    }
}
