using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Tern.Transports.Udp;

/// <summary>The Linux batching calls the BCL does not expose: <c>recvmmsg</c> and <c>sendmmsg</c> (x86-64/arm64 layouts).</summary>
internal static unsafe partial class LinuxSocketNative
{
    public const int MSG_WAITFORONE = 0x10000;
    public const int MSG_DONTWAIT = 0x40;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int SOL_UDP = 17;
    public const int UDP_SEGMENT = 103;

    /// <summary>Bytes of one control message carrying a 16-bit value: CMSG_SPACE(sizeof(uint16_t)) on 64-bit Linux.</summary>
    public const int SegmentControlSize = 24;

    /// <summary>The header of a control message (struct cmsghdr, 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CMsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    /// <summary>
    /// A <see cref="SocketException"/> for a Linux <paramref name="errno"/>: its public constructor takes
    /// a <see cref="SocketError"/>, not an errno, and the runtime's own mapping is internal.
    /// </summary>
    public static SocketException Exception(int errno) => new((int)(errno switch
    {
        EINTR => SocketError.Interrupted,
        EAGAIN => SocketError.WouldBlock,
        9 or 88 => SocketError.NotSocket, // EBADF, ENOTSOCK
        12 or 105 => SocketError.NoBufferSpaceAvailable, // ENOMEM, ENOBUFS
        13 => SocketError.AccessDenied,
        14 => SocketError.Fault,
        22 => SocketError.InvalidArgument,
        23 or 24 => SocketError.TooManyOpenSockets, // ENFILE, EMFILE
        90 => SocketError.MessageSize,
        95 => SocketError.OperationNotSupported,
        100 => SocketError.NetworkDown,
        101 => SocketError.NetworkUnreachable,
        104 => SocketError.ConnectionReset,
        111 => SocketError.ConnectionRefused,
        113 => SocketError.HostUnreachable,
        _ => SocketError.SocketError,
    }));

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int recvmmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int sendmmsg(int fd, MMsgHdr* messages, uint count, int flags);
}
