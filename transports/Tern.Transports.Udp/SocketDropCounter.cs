using System.Buffers.Binary;
using System.Net.Sockets;

namespace Tern.Transports.Udp;

/// <summary>
/// Datagrams the kernel dropped on one socket before the receive loop read them: the socket's <c>sk_drops</c>, read with
/// <c>getsockopt(SOL_SOCKET, SO_MEMINFO)</c> (Linux 4.6+; the count <c>/proc/net/udp</c> shows in its <c>drops</c> column).
/// For a UDP socket it counts datagrams that found the receive buffer full, and those its checksum or memory accounting
/// refused. Without it a flood's losses beyond the buffer are invisible to the node's own counters.
/// </summary>
internal static class SocketDropCounter
{
    private const int SolSocket = 1;
    private const int SoMemInfo = 55;
    private const int DropsIndex = 8; // SK_MEMINFO_DROPS in the u32 array SO_MEMINFO fills

    /// <summary>
    /// The kernel's drop count for <paramref name="socket"/>, or <c>null</c> where the kernel does not say (not Linux, an older
    /// kernel, a closed socket). The kernel keeps it in 32 bits: it wraps after 4 294 967 295.
    /// </summary>
    public static uint? Read(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> info = stackalloc byte[16 * sizeof(uint)];
        try
        {
            var length = socket.GetRawSocketOption(SolSocket, SoMemInfo, info);
            return length >= (DropsIndex + 1) * sizeof(uint) ? BinaryPrimitives.ReadUInt32LittleEndian(info[(DropsIndex * sizeof(uint))..]) : null;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
