using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tern.LinkEmulator;

namespace Tern.LinkEmuBench;

/// <summary>UDP round trips to an echo, directly or through a <see cref="UdpLink"/> with no delay, rate or loss.</summary>
internal static class UdpLatency
{
    public static string Run(bool throughLink)
    {
        using var echo = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        echo.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var echoing = new Thread(() =>
        {
            var buffer = new byte[64];
            EndPoint peer = new IPEndPoint(IPAddress.Any, 0);
            try
            {
                while (true)
                {
                    var read = echo.ReceiveFrom(buffer, ref peer);
                    echo.SendTo(buffer.AsSpan(0, read), SocketFlags.None, peer);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
        echoing.Start();
        var link = throughLink ? new UdpLink((IPEndPoint)echo.LocalEndPoint!, new LinkProfile()) : null;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 1000 };
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var to = link?.EndPoint ?? (IPEndPoint)echo.LocalEndPoint!;
        var datagram = new byte[64];
        var samples = new List<double>();
        for (var i = 0; i < 2200; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            client.SendTo(datagram, to);
            client.Receive(datagram);
            if (i >= 200)
            {
                samples.Add(Stopwatch.GetElapsedTime(sent).TotalMicroseconds);
            }
        }

        link?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        echo.Dispose();
        echoing.Join();
        samples.Sort();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {(throughLink ? "link" : "direct")} | {samples[samples.Count / 2]:F0} | {samples[samples.Count * 99 / 100]:F0} | {samples[^1]:F0} |");
    }
}
