using System.Net;
using System.Net.Sockets;
using Tern.Engine.Notify;

namespace Tern.Transports.Udp;

/// <summary>
/// The notification scheduler's transport over a <see cref="UdpDatagramSender"/>: datagrams are copied into the sender's
/// native slots and leave in <c>sendmmsg</c> batches, flushed at the end of each scheduler round. Peer socket addresses
/// are converted once and cached. Not thread-safe: the scheduler's loop is its only caller.
/// </summary>
public sealed class UdpNotificationTransport : IDatagramTransport, IDisposable
{
    private readonly UdpDatagramSender _sender;
    private readonly Dictionary<IPEndPoint, PeerAddress> _addresses = [];

    /// <summary>Opens a sending socket of <paramref name="family"/> on an ephemeral port, batching <paramref name="batch"/> datagrams per system call.</summary>
    public UdpNotificationTransport(AddressFamily family = AddressFamily.InterNetwork, int batch = 64, int sendBufferBytes = 4 << 20)
        => _sender = new UdpDatagramSender(family, batch, sendBufferBytes);

    /// <summary>Datagrams handed to the kernel.</summary>
    public long Sent => _sender.Sent;

    /// <summary>Datagrams the kernel refused; retransmission covers them.</summary>
    public long Failed => _sender.Failed;

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!_addresses.TryGetValue(destination, out var address))
        {
            address = PeerAddress.From(destination);
            _addresses.Add(destination, address);
        }

        _sender.Enqueue(datagram, address);
    }

    /// <inheritdoc />
    public void Flush() => _sender.Flush();

    /// <inheritdoc />
    public void Dispose() => _sender.Dispose();
}
