using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tern.Engine.Ingest;

namespace Tern.Transports.Udp;

/// <summary>
/// Receives in batches with one <c>recvmmsg</c> system call (Linux). Buffers, address slots and headers live
/// in one native allocation set up once, so a batch allocates nothing.
/// </summary>
internal sealed unsafe class RecvMmsgReceiver : IDatagramReceiver
{
    private const int SlotSize = 2048;
    private const int AddressSize = 32; // sockaddr_in6 is 28 bytes

    private readonly Socket _socket;
    private readonly int _batch;
    private readonly byte* _buffers;
    private readonly byte* _addresses;
    private readonly LinuxSocketNative.IoVec* _iov;
    private readonly LinuxSocketNative.MMsgHdr* _headers;
    private bool _disposed;

    public RecvMmsgReceiver(Socket socket, int batch = 64)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        _socket = socket;
        _batch = batch;
        _buffers = (byte*)NativeMemory.Alloc((nuint)(batch * SlotSize));
        _addresses = (byte*)NativeMemory.AllocZeroed((nuint)(batch * AddressSize));
        _iov = (LinuxSocketNative.IoVec*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(LinuxSocketNative.IoVec)));
        _headers = (LinuxSocketNative.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(batch * sizeof(LinuxSocketNative.MMsgHdr)));
        for (var i = 0; i < batch; i++)
        {
            _iov[i].Base = _buffers + (i * SlotSize);
            _iov[i].Length = SlotSize;
        }
    }

    public int Receive()
    {
        for (var i = 0; i < _batch; i++)
        {
            // The kernel overwrites these per call.
            _headers[i].Header.Name = _addresses + (i * AddressSize);
            _headers[i].Header.NameLength = AddressSize;
            _headers[i].Header.Iov = &_iov[i];
            _headers[i].Header.IovLength = 1;
            _headers[i].Header.Flags = 0;
        }

        var count = LinuxSocketNative.recvmmsg((int)_socket.Handle, _headers, (uint)_batch, LinuxSocketNative.MSG_WAITFORONE, null);
        if (count >= 0)
        {
            return count;
        }

        var error = Marshal.GetLastPInvokeError();
        return error is LinuxSocketNative.EAGAIN or LinuxSocketNative.EINTR ? 0 : throw LinuxSocketNative.Exception(error);
    }

    public ReadOnlySpan<byte> Datagram(int index)
    {
        // A datagram larger than the slot is truncated (MSG_TRUNC): report its real length capped, the
        // codec then rejects it as too long or malformed.
        var length = (int)Math.Min(_headers[index].Length, SlotSize);
        return new ReadOnlySpan<byte>(_buffers + (index * SlotSize), length);
    }

    public int SourceHash(int index)
    {
        var address = new ReadOnlySpan<byte>(_addresses + (index * AddressSize), AddressSize);
        var family = BinaryPrimitives.ReadUInt16LittleEndian(address);
        return family == 10 // AF_INET6: the 16 address bytes at offset 8; AF_INET: 4 at offset 4
            ? SourcePrefix.OfIPv6(address.Slice(8, 16))
            : SourcePrefix.OfIPv4(address.Slice(4, 4));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NativeMemory.Free(_buffers);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(_iov);
        NativeMemory.Free(_headers);
    }
}
