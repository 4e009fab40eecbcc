using System.Net.Sockets;
using Tern.Engine.Loops;

namespace Tern.Transports.Udp;

/// <summary>What a failed receive on the notification port means for its loop, in Garnet's three tiers.</summary>
internal static class ReceiveErrors
{
    /// <summary>The tier of <paramref name="error"/>.</summary>
    public static LoopErrorKind Classify(SocketException error) => error.SocketErrorCode switch
    {
        // The socket is closed, is not one, or the call is wrong for it: every later receive fails the same way.
        SocketError.NotSocket or SocketError.OperationAborted or SocketError.Shutdown or SocketError.InvalidArgument
            or SocketError.Fault or SocketError.OperationNotSupported or SocketError.NotInitialized => LoopErrorKind.Fatal,

        // About one datagram or one call (an ICMP error queued on the socket, a signal): the next receive is unaffected.
        SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable
            or SocketError.MessageSize or SocketError.Interrupted or SocketError.WouldBlock or SocketError.TimedOut or SocketError.TryAgain => LoopErrorKind.Transient,

        // Out of buffers, memory or descriptors, the network down, and whatever this list does not know: give it time.
        _ => LoopErrorKind.BackOff,
    };
}
