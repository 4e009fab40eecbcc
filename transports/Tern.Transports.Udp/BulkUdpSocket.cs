using System.Net;
using System.Net.Sockets;
using Tern.Engine.Bulk;

namespace Tern.Transports.Udp;

/// <summary>What a <see cref="BulkUdpSocket"/> hands each datagram to: the bulk sender's or receiver's <c>Receive</c>.</summary>
/// <param name="datagram">The datagram, valid for the call only.</param>
/// <param name="from">Its source, valid for the call only (copy it to keep it).</param>
public delegate void BulkDatagramHandler(ReadOnlySpan<byte> datagram, SocketAddress from);

/// <summary>
/// A gateway's bulk port (docs/PROTOCOL.md §17): one UDP socket that the bulk sender or receiver sends from, and a
/// dedicated receiving thread that hands each datagram to them — a thread, not the pool, so a busy process cannot stall
/// the link's reports. Kernel buffers of 8 MiB by default, about a bandwidth-delay product of a fast long link. One
/// buffer and one address for the socket's life: nothing is allocated per datagram.
/// </summary>
public sealed class BulkUdpSocket : IBulkDatagramSink, IDisposable
{
    private readonly Socket _socket;
    private Thread? _thread;
    private BulkDatagramHandler? _handler;
    private long _sendFailures;
    private volatile bool _stopping;

    /// <summary>Binds <paramref name="endPoint"/> (port 0 for any) with kernel buffers of <paramref name="bufferBytes"/>.</summary>
    public BulkUdpSocket(IPEndPoint endPoint, int bufferBytes = 8 << 20)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        _socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = bufferBytes,
            SendBufferSize = bufferBytes,
        };
        _socket.Bind(endPoint);
    }

    /// <summary>The bound address.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Datagrams the kernel refused to send (a full buffer, an unreachable port): the protocol repairs them as loss.</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Starts handing received datagrams to <paramref name="handler"/>.</summary>
    public void Start(BulkDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_thread is not null)
        {
            throw new InvalidOperationException("The bulk socket is started already.");
        }

        _handler = handler;
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "bulk-receive" };
        _thread.Start();
    }

    /// <inheritdoc/>
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, destination);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendFailures);
        }
        catch (ObjectDisposedException)
        {
            // Stopping: what is sent now would be lost on the link all the same.
        }
    }

    /// <summary>Closes the socket and waits for the receiving thread.</summary>
    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _thread?.Join();
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[BulkDatagram.MaxSize + 1];
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_stopping)
        {
            int read;
            try
            {
                read = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException) when (!_stopping)
            {
                continue; // an ICMP error reported on the socket: the next datagram is unaffected
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            _handler!(buffer.AsSpan(0, read), from);
        }
    }
}
