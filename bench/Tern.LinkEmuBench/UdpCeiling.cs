using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tern.LinkEmulator;

namespace Tern.LinkEmuBench;

/// <summary>UDP offered at a rate for a time, directly or through a <see cref="UdpLink"/> limited to that rate.</summary>
internal static class UdpCeiling
{
    private const int Size = 1200;

    public static string Run(long rateBits, double seconds, bool throughLink)
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var profile = new LinkProfile { ToTarget = new DirectionProfile { RateBitsPerSecond = rateBits, QueueLimitBytes = 4 << 20 } };
        var link = throughLink ? new UdpLink((IPEndPoint)receiver.LocalEndPoint!, profile) : null;
        var to = link?.EndPoint ?? (IPEndPoint)receiver.LocalEndPoint!;
        long received = 0;
        long first = 0;
        long last = 0;
        var reading = new Thread(() =>
        {
            var buffer = new byte[2048];
            try
            {
                while (true)
                {
                    receiver.Receive(buffer);
                    var now = Stopwatch.GetTimestamp();
                    if (received++ == 0)
                    {
                        first = now;
                    }

                    last = now;
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
        reading.Start();

        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 8 << 20 };
        var datagram = new byte[Size];
        var perSecond = rateBits / 8.0 / Size;
        var count = (long)(perSecond * seconds);
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
        {
            while (clock.Elapsed.TotalSeconds < i / perSecond)
            {
                Thread.Sleep(1);
            }

            sender.SendTo(datagram, to);
        }

        Thread.Sleep(500); // the queue drains (4 MiB at the lowest rate is 1.7 s: the rate is measured on what arrived)
        var counters = link?.ToTarget;
        link?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        receiver.Dispose();
        reading.Join();
        var span = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        var rate = received > 1 ? (received - 1) * Size * 8 / span : 0;
        var dropped = counters?.Dropped.ToString(CultureInfo.InvariantCulture) ?? "–";
        var before = counters is { } c ? (count - c.PacketsIn).ToString(CultureInfo.InvariantCulture) : "–";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {rateBits / 1e6:F0} | {(throughLink ? "link" : "direct")} | {count} | {received} | {dropped} | {before} | {rate / 1e6:F1} | {rate / rateBits:F3} |");
    }
}
