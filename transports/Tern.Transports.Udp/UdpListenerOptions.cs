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

    /// <summary>
    /// First wait after a receive fails for want of resources (ENOBUFS, ENOMEM, descriptors), doubled at each failure in a
    /// row up to <see cref="BackoffMax"/>. Defaults to 10 ms: datagrams arriving meanwhile wait in the socket buffer.
    /// </summary>
    public TimeSpan BackoffInitial { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest wait between receives that fail for want of resources. Defaults to 1 s.</summary>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How much nicer than the rest of the process the receive thread runs (Linux nice increment, 0 to 19; the result is
    /// capped at 19). Under a flood the receive thread is busy all the time; a step or more nicer than the node's other
    /// threads, it gives way to the HTTP surfaces, the commits and the pulls when they have work and still takes every cycle
    /// they leave (docs/ARCHITECTURE.md §3.6, perf-reports/flood.md). Only ever raises the value, so no privilege is needed.
    /// Defaults to 0: the process's.
    /// </summary>
    public int ReceiveThreadNiceIncrement { get; set; }

    /// <summary>These options with another endpoint: every other knob copied, those added later included.</summary>
    public UdpListenerOptions At(IPEndPoint endpoint)
    {
        var copy = (UdpListenerOptions)MemberwiseClone();
        copy.Endpoint = endpoint;
        return copy;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoint, nameof(Endpoint));
        if (BatchSize < 1)
        {
            throw new ArgumentException("UdpListenerOptions.BatchSize must be at least 1.", nameof(BatchSize));
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("UdpListenerOptions.PollInterval must be positive.", nameof(PollInterval));
        }

        if (ReceiveThreadNiceIncrement is < 0 or > 19)
        {
            throw new ArgumentException("UdpListenerOptions.ReceiveThreadNiceIncrement must be between 0 and 19.", nameof(ReceiveThreadNiceIncrement));
        }

        if (BackoffInitial <= TimeSpan.Zero || BackoffMax < BackoffInitial)
        {
            throw new ArgumentException("UdpListenerOptions.BackoffInitial must be positive and BackoffMax at least as long.", nameof(BackoffInitial));
        }
    }
}
