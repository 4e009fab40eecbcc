namespace Tern.Transports.Udp;

/// <summary>How the notification port reads datagrams.</summary>
public enum UdpReceiverKind
{
    /// <summary>Batches of datagrams per <c>recvmmsg</c> system call (Linux). The default.</summary>
    RecvMmsg = 0,

    /// <summary>One <c>recvfrom</c> per datagram through <see cref="System.Net.Sockets.Socket.ReceiveFrom(System.Span{byte}, System.Net.Sockets.SocketFlags, System.Net.SocketAddress)"/>.</summary>
    ReceiveFrom = 1,
}
