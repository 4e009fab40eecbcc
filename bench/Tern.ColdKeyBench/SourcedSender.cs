using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Tern.Transports.Udp.LinuxSocketNative;

namespace Tern.ColdKeyBench;

/// <summary>
/// Sends batches of datagrams to one destination, each from a source address of its own: one <c>sendmmsg</c> a batch,
/// the source in an <c>IP_PKTINFO</c> / <c>IPV6_PKTINFO</c> control message. Loopback IPv4 sources (127/8) are local;
/// IPv6 sources outside ::1 need <c>IPV6_FREEBIND</c>, which the socket sets (root is not needed for it).
/// </summary>
internal sealed unsafe class SourcedSender : IDisposable
{
    public const int Batch = 64;
    public const int SlotSize = 1280;

    private const int IpProtoIp = 0;
    private const int IpProtoIpv6 = 41;
    private const int IpPktInfo = 8;
    private const int Ipv6PktInfo = 50;
    private const int IpFreeBind = 15;
    private const int Ipv6FreeBind = 78;
    private const int ControlSize = 40; // CMSG_SPACE(sizeof(in6_pktinfo)); CMSG_SPACE(sizeof(in_pktinfo)) is 32

    private readonly Socket _socket;
    private readonly bool _ipv6;
    private readonly byte* _buffers;
    private readonly byte* _controls;
    private readonly byte* _destination;
    private readonly IoVec* _iov;
    private readonly MMsgHdr* _headers;
    private int _count;

    public SourcedSender(IPEndPoint destination)
    {
        _ipv6 = destination.AddressFamily == AddressFamily.InterNetworkV6;
        _socket = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 4 << 20 };
        _socket.SetRawSocketOption(_ipv6 ? IpProtoIpv6 : IpProtoIp, _ipv6 ? Ipv6FreeBind : IpFreeBind, BitConverter.GetBytes(1));
        _buffers = (byte*)NativeMemory.AllocZeroed(Batch * SlotSize);
        _controls = (byte*)NativeMemory.AllocZeroed(Batch * ControlSize);
        _destination = (byte*)NativeMemory.AllocZeroed(32);
        _iov = (IoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(IoVec)));
        _headers = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(MMsgHdr)));
        var address = new Span<byte>(_destination, 32);
        var port = (ushort)destination.Port;
        address[2] = (byte)(port >> 8);
        address[3] = (byte)port;
        if (_ipv6)
        {
            BitConverter.TryWriteBytes(address, (ushort)10); // AF_INET6; address at 8
            destination.Address.TryWriteBytes(address[8..24], out _);
        }
        else
        {
            BitConverter.TryWriteBytes(address, (ushort)2); // AF_INET; address at 4
            destination.Address.TryWriteBytes(address[4..8], out _);
        }

        for (var i = 0; i < Batch; i++)
        {
            _iov[i].Base = _buffers + (i * SlotSize);
            var control = _controls + (i * ControlSize);
            *(nuint*)control = (nuint)(_ipv6 ? 16 + 20 : 16 + 12); // cmsg_len = CMSG_LEN(data)
            *(int*)(control + 8) = _ipv6 ? IpProtoIpv6 : IpProtoIp;
            *(int*)(control + 12) = _ipv6 ? Ipv6PktInfo : IpPktInfo;
        }
    }

    /// <summary>Datagrams waiting in the batch.</summary>
    public int Count => _count;

    /// <summary>The next slot's payload buffer (<see cref="SlotSize"/> bytes); <see cref="Commit"/> queues it.</summary>
    public Span<byte> Next() => new(_buffers + (_count * SlotSize), SlotSize);

    /// <summary>Queues the slot <see cref="Next"/> gave, <paramref name="length"/> bytes, from <paramref name="source"/> (4 or 16 bytes); sends when the batch is full.</summary>
    public void Commit(int length, ReadOnlySpan<byte> source)
    {
        var control = _controls + (_count * ControlSize);
        if (_ipv6)
        {
            source.CopyTo(new Span<byte>(control + 16, 16)); // in6_pktinfo.ipi6_addr; ifindex stays 0
        }
        else
        {
            source.CopyTo(new Span<byte>(control + 16 + 4, 4)); // in_pktinfo.ipi_spec_dst: the source address to use
        }

        _iov[_count].Length = (nuint)length;
        _count++;
        if (_count == Batch)
        {
            Flush();
        }
    }

    /// <summary>Sends what is queued; datagrams the kernel refuses are counted, not retried.</summary>
    public int Flush()
    {
        var refused = 0;
        var sent = 0;
        while (sent < _count)
        {
            for (var i = sent; i < _count; i++)
            {
                ref var header = ref _headers[i].Header;
                header.Name = _destination;
                header.NameLength = _ipv6 ? 28u : 16u;
                header.Iov = &_iov[i];
                header.IovLength = 1;
                header.Control = _controls + (i * ControlSize);
                header.ControlLength = (nuint)(_ipv6 ? 40 : 32);
                header.Flags = 0;
            }

            var result = sendmmsg((int)_socket.Handle, _headers + sent, (uint)(_count - sent), 0);
            if (result <= 0)
            {
                refused++;
                sent++; // skip the datagram the kernel refused
                continue;
            }

            sent += result;
        }

        _count = 0;
        Refused += refused;
        return refused;
    }

    /// <summary>Datagrams the kernel refused.</summary>
    public long Refused { get; private set; }

    public void Dispose()
    {
        _socket.Dispose();
        NativeMemory.Free(_buffers);
        NativeMemory.Free(_controls);
        NativeMemory.Free(_destination);
        NativeMemory.Free(_iov);
        NativeMemory.Free(_headers);
    }
}
