using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tern.Transports.Udp;

/// <summary>
/// Sends notifications in batches with one <c>sendmmsg</c> system call (Linux), from its own socket on an
/// ephemeral port — never from the notification port, which only listens. Datagrams are copied into
/// native slots as they are queued and go out when the batch is full or on <see cref="Flush"/>.
/// Runs of queued datagrams to the same peer with the same length (the last may be shorter) go out as one UDP GSO
/// send (<c>UDP_SEGMENT</c>): the kernel walks its send path once per run and cuts the datagrams at the end, instead of
/// once per datagram; the peer receives the same separate datagrams. Where the kernel lacks GSO, every datagram goes
/// alone. Not thread-safe: one per sending loop.
/// </summary>
public sealed unsafe class UdpDatagramSender : IDisposable
{
    private const int SlotSize = 1280;
    private const int AddressSize = 32;

    /// <summary>Segments in one GSO send (the kernel's UDP_MAX_SEGMENTS is 64 or more).</summary>
    private const int MaxSegments = 64;

    /// <summary>UDP payload of one GSO send: the whole must fit one IP datagram before it is cut.</summary>
    private const int MaxSegmentedPayload = 65_000;

    private readonly Socket _socket;
    private readonly int _batch;
    private readonly byte* _buffers;
    private readonly byte* _addresses;
    private readonly LinuxSocketNative.IoVec* _iov;
    private readonly LinuxSocketNative.MMsgHdr* _headers;
    private readonly byte* _controls;
    private readonly int* _entryDatagrams;
    private readonly int* _addressLengths;
    private int _queued;
    private bool _disposed;

    /// <summary>Opens a sending socket of <paramref name="family"/>; batches of <paramref name="batch"/> datagrams.</summary>
    /// <param name="family">IPv4 or IPv6.</param>
    /// <param name="batch">Datagrams queued before a send.</param>
    /// <param name="sendBufferBytes">The socket's send buffer.</param>
    /// <param name="segmentation">Use UDP GSO for runs to one peer where the kernel supports it.</param>
    public UdpDatagramSender(AddressFamily family = AddressFamily.InterNetwork, int batch = 64, int sendBufferBytes = 4 << 20, bool segmentation = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        _socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = sendBufferBytes };
        _socket.Bind(new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Any, 0));
        _batch = batch;
        _buffers = (byte*)NativeMemory.Alloc((nuint)(batch * SlotSize));
        _addresses = (byte*)NativeMemory.AllocZeroed((nuint)(batch * AddressSize));
        _iov = (LinuxSocketNative.IoVec*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(LinuxSocketNative.IoVec)));
        _headers = (LinuxSocketNative.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(LinuxSocketNative.MMsgHdr)));
        _controls = (byte*)NativeMemory.AllocZeroed((nuint)(batch * LinuxSocketNative.SegmentControlSize));
        _entryDatagrams = (int*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(int)));
        _addressLengths = (int*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(int)));
        Segmenting = segmentation && KernelSupportsSegmentation(_socket);
    }

    /// <summary>Datagrams handed to the kernel.</summary>
    public long Sent { get; private set; }

    /// <summary>Datagrams the kernel refused (buffer full, unreachable); retransmission covers them.</summary>
    public long Failed { get; private set; }

    /// <summary>System calls made to send (one per <c>sendmmsg</c>).</summary>
    public long SendCalls { get; private set; }

    /// <summary>Whether runs to one peer go out as UDP GSO sends.</summary>
    public bool Segmenting { get; private set; }

    /// <summary>Queues a datagram to <paramref name="destination"/> (a socket address from <see cref="PeerAddress.From"/>).</summary>
    public void Enqueue(ReadOnlySpan<byte> datagram, in PeerAddress destination)
    {
        if (datagram.Length > SlotSize)
        {
            throw new ArgumentException($"A notification datagram is at most {SlotSize} bytes.", nameof(datagram));
        }

        var slot = _queued;
        datagram.CopyTo(new Span<byte>(_buffers + (slot * SlotSize), SlotSize));
        var address = new Span<byte>(_addresses + (slot * AddressSize), AddressSize);
        address.Clear();
        destination.Bytes.CopyTo(address);
        _addressLengths[slot] = destination.Length;
        _iov[slot].Base = _buffers + (slot * SlotSize);
        _iov[slot].Length = (nuint)datagram.Length;
        if (++_queued == _batch)
        {
            Flush();
        }
    }

    /// <summary>Sends everything queued.</summary>
    public void Flush()
    {
        if (_queued == 0)
        {
            return;
        }

        var entries = Segmenting ? BuildSegmentedEntries() : BuildSingleEntries(0, 0);
        var offset = 0;
        while (offset < entries)
        {
            SendCalls++;
            var sent = LinuxSocketNative.sendmmsg((int)_socket.Handle, _headers + offset, (uint)(entries - offset), 0);
            if (sent > 0)
            {
                for (var i = 0; i < sent; i++)
                {
                    Sent += _entryDatagrams[offset + i];
                }

                offset += sent;
                continue;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == LinuxSocketNative.EINTR)
            {
                continue;
            }

            if (_entryDatagrams[offset] > 1 && error is Einval or Eio or Enoprotoopt or Eopnotsupp)
            {
                // The kernel or the route refuses segmentation after all: go on without it, these datagrams included.
                Segmenting = false;
                entries = RebuildUnsegmentedFrom(offset);
                continue;
            }

            // The first entry of the rest failed (full buffer, unreachable peer): count its datagrams and go on.
            Failed += _entryDatagrams[offset];
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
        NativeMemory.Free(_controls);
        NativeMemory.Free(_entryDatagrams);
        NativeMemory.Free(_addressLengths);
    }

    private const int Eio = 5;
    private const int Einval = 22;
    private const int Enoprotoopt = 92;
    private const int Eopnotsupp = 95;

    /// <summary>One entry per datagram, from slot <paramref name="firstSlot"/> on, written from entry <paramref name="firstEntry"/>.</summary>
    private int BuildSingleEntries(int firstSlot, int firstEntry)
    {
        var entry = firstEntry;
        for (var slot = firstSlot; slot < _queued; slot++, entry++)
        {
            SetEntry(entry, slot, 1, segmentSize: 0);
        }

        return entry;
    }

    /// <summary>
    /// One entry per run of datagrams to the same address with the same length (the last of a run may be shorter),
    /// within the kernel's limits for one GSO send; a run of one is a plain entry.
    /// </summary>
    private int BuildSegmentedEntries()
    {
        var entries = 0;
        var slot = 0;
        while (slot < _queued)
        {
            var size = (int)_iov[slot].Length;
            var limit = Math.Min(MaxSegments, MaxSegmentedPayload / size);
            var run = 1;
            while (slot + run < _queued && run < limit && SameAddress(slot, slot + run))
            {
                var next = (int)_iov[slot + run].Length;
                if (next > size)
                {
                    break;
                }

                run++;
                if (next < size)
                {
                    // A shorter datagram can only end a run.
                    break;
                }
            }

            SetEntry(entries++, slot, run, run > 1 ? size : 0);
            slot += run;
        }

        return entries;
    }

    /// <summary>After a refused GSO entry: the entries from <paramref name="entry"/> on, remade one per datagram.</summary>
    private int RebuildUnsegmentedFrom(int entry)
    {
        var firstSlot = 0;
        for (var i = 0; i < entry; i++)
        {
            firstSlot += _entryDatagrams[i];
        }

        return BuildSingleEntries(firstSlot, entry);
    }

    private void SetEntry(int entry, int slot, int datagrams, int segmentSize)
    {
        _entryDatagrams[entry] = datagrams;
        ref var header = ref _headers[entry].Header;
        header = new LinuxSocketNative.MsgHdr
        {
            Name = _addresses + (slot * AddressSize),
            NameLength = (uint)_addressLengths[slot],
            Iov = &_iov[slot],
            IovLength = (nuint)datagrams,
        };
        if (segmentSize > 0)
        {
            var control = _controls + (entry * LinuxSocketNative.SegmentControlSize);
            var cmsg = (LinuxSocketNative.CMsgHdr*)control;
            cmsg->Length = (nuint)(sizeof(LinuxSocketNative.CMsgHdr) + sizeof(ushort));
            cmsg->Level = LinuxSocketNative.SOL_UDP;
            cmsg->Type = LinuxSocketNative.UDP_SEGMENT;
            *(ushort*)(control + sizeof(LinuxSocketNative.CMsgHdr)) = (ushort)segmentSize;
            header.Control = control;
            header.ControlLength = LinuxSocketNative.SegmentControlSize;
        }
    }

    private bool SameAddress(int a, int b) =>
        new ReadOnlySpan<byte>(_addresses + (a * AddressSize), AddressSize).SequenceEqual(new ReadOnlySpan<byte>(_addresses + (b * AddressSize), AddressSize));

    /// <summary>Whether this kernel knows UDP_SEGMENT (Linux 4.18+): reading the option fails where it does not.</summary>
    private static bool KernelSupportsSegmentation(Socket socket)
    {
        try
        {
            Span<byte> value = stackalloc byte[4];
            socket.GetRawSocketOption(LinuxSocketNative.SOL_UDP, LinuxSocketNative.UDP_SEGMENT, value);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
