using System.Net;
using System.Net.Sockets;
using Tern.Engine.Ingest;

namespace Tern.Transports.Udp;

/// <summary>
/// The portable receiver: one <see cref="Socket.ReceiveFrom(Span{byte}, SocketFlags, SocketAddress)"/> per
/// datagram, which allocates nothing since .NET 8. Kept to measure <see cref="RecvMmsgReceiver"/> against.
/// </summary>
internal sealed class ReceiveFromReceiver : IDatagramReceiver
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = GC.AllocateArray<byte>(2048, pinned: true);
    private readonly SocketAddress _address;
    private int _length;

    public ReceiveFromReceiver(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _address = new SocketAddress(socket.AddressFamily);
    }

    public int Receive()
    {
        try
        {
            _length = _socket.ReceiveFrom(_buffer, SocketFlags.None, _address);
            return 1;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.MessageSize)
        {
            return 0;
        }
    }

    public ReadOnlySpan<byte> Datagram(int index) => _buffer.AsSpan(0, _length);

    public int SourceHash(int index)
    {
        var bytes = _address.Buffer.Span;
        return _socket.AddressFamily == AddressFamily.InterNetworkV6
            ? SourcePrefix.OfIPv6(bytes.Slice(8, 16))
            : SourcePrefix.OfIPv4(bytes.Slice(4, 4));
    }

    public void Dispose()
    {
    }
}
