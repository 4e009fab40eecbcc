using System.Net;

namespace Tern.Transports.Udp;

/// <summary>The notification port's socket and receive loop.</summary>
public sealed class UdpListenerOptions
{
    /// <summary>Where to listen. Defaults to 127.0.0.1:7400.</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 7400);

    /// <summary>Receive strategy. Defaults to <see cref="UdpReceiverKind.RecvMmsg"/>, the faster here (perf-reports/ingest.md).</summary>
    public UdpReceiverKind Receiver { get; set; } = UdpReceiverKind.RecvMmsg;

    /// <summary>Datagrams per <c>recvmmsg</c>. Defaults to 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Kernel receive buffer (SO_RCVBUF) requested, bytes; the kernel may cap it (net.core.rmem_max). Defaults to 16 MiB.</summary>
    public int ReceiveBufferBytes { get; set; } = 16 << 20;

    /// <summary>How often a blocked receive wakes to check for shutdown. Defaults to 200 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
