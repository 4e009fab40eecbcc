using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tern.Transports.Udp;

/// <summary>
/// Sends notifications in batches with one <c>sendmmsg</c> system call (Linux), from its own socket on an
/// ephemeral port — never from the notification port, which only listens. Datagrams are copied into
/// native slots as they are queued and go out when the batch is full or on <see cref="Flush"/>.
/// Not thread-safe: one per sending loop.
/// </summary>
public sealed unsafe class UdpDatagramSender : IDisposable
{
    private const int SlotSize = 1280;
    private const int AddressSize = 32;

    private readonly Socket _socket;
    private readonly int _batch;
    private readonly byte* _buffers;
    private readonly byte* _addresses;
    private readonly LinuxSocketNative.IoVec* _iov;
    private readonly LinuxSocketNative.MMsgHdr* _headers;
    private int _queued;
    private bool _disposed;

    /// <summary>Opens a sending socket of <paramref name="family"/>; batches of <paramref name="batch"/> datagrams.</summary>
    public UdpDatagramSender(AddressFamily family = AddressFamily.InterNetwork, int batch = 64, int sendBufferBytes = 4 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        _socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = sendBufferBytes };
        _socket.Bind(new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Any, 0));
        _batch = batch;
        _buffers = (byte*)NativeMemory.Alloc((nuint)(batch * SlotSize));
        _addresses = (byte*)NativeMemory.AllocZeroed((nuint)(batch * AddressSize));
        _iov = (LinuxSocketNative.IoVec*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(LinuxSocketNative.IoVec)));
        _headers = (LinuxSocketNative.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(LinuxSocketNative.MMsgHdr)));
    }

    /// <summary>Datagrams handed to the kernel.</summary>
    public long Sent { get; private set; }

    /// <summary>Datagrams the kernel refused (buffer full, unreachable); retransmission covers them.</summary>
    public long Failed { get; private set; }

    /// <summary>Queues a datagram to <paramref name="destination"/> (a socket address from <see cref="PeerAddress.From"/>).</summary>
    public void Enqueue(ReadOnlySpan<byte> datagram, in PeerAddress destination)
    {
        if (datagram.Length > SlotSize)
        {
            throw new ArgumentException($"A notification datagram is at most {SlotSize} bytes.", nameof(datagram));
        }

        var slot = _queued;
        datagram.CopyTo(new Span<byte>(_buffers + (slot * SlotSize), SlotSize));
        destination.Bytes.CopyTo(new Span<byte>(_addresses + (slot * AddressSize), AddressSize));
        _iov[slot].Base = _buffers + (slot * SlotSize);
        _iov[slot].Length = (nuint)datagram.Length;
        _headers[slot].Header = new LinuxSocketNative.MsgHdr
        {
            Name = _addresses + (slot * AddressSize),
            NameLength = (uint)destination.Length,
            Iov = &_iov[slot],
            IovLength = 1,
        };
        if (++_queued == _batch)
        {
            Flush();
        }
    }

    /// <summary>Sends everything queued.</summary>
    public void Flush()
    {
        var offset = 0;
        while (offset < _queued)
        {
            var sent = LinuxSocketNative.sendmmsg((int)_socket.Handle, _headers + offset, (uint)(_queued - offset), 0);
            if (sent > 0)
            {
                offset += sent;
                Sent += sent;
                continue;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == LinuxSocketNative.EINTR)
            {
                continue;
            }

            // The first datagram of the rest failed (full buffer, unreachable peer): count it and go on.
            Failed++;
            offset++;
        }

        _queued = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _socket.Dispose();
        NativeMemory.Free(_buffers);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_iov);
        NativeMemory.Free(_headers);
    }
}
