using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Tern.LinkEmulator;

/// <summary>Sends one direction's due datagrams from a relay socket to the current peer, on the pacing thread.</summary>
internal sealed class DatagramSink : IDeliverySink
{
    private readonly Socket _socket;
    private readonly LinkStatistics _statistics;
    private readonly ScaledTimeProvider _clock;

    public DatagramSink(Socket socket, LinkStatistics statistics, ScaledTimeProvider clock)
    {
        _socket = socket;
        _statistics = statistics;
        _clock = clock;
    }

    /// <summary>The peer; replaced whole, never changed in place, so the pacing thread reads a consistent one.</summary>
    public SocketAddress? Address { get; set; }

    public void Deliver(byte[] buffer, int length)
    {
        try
        {
            if (Address is { } address)
            {
                _socket.SendTo(buffer.AsSpan(0, length), SocketFlags.None, address);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The link delivered it; a host that refuses it is the host's business, as on a real link.
        }

        _statistics.Delivered(length, _clock.GetTimestamp());
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
