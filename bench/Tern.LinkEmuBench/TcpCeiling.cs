using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tern.LinkEmulator;

namespace Tern.LinkEmuBench;

/// <summary>A TCP bulk transfer for a time, directly or through a <see cref="TcpLink"/> at a rate (0: unlimited).</summary>
internal static class TcpCeiling
{
    public static async Task<string> RunAsync(long rateBits, double seconds, bool throughLink)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var profile = new LinkProfile { FromTarget = new DirectionProfile { RateBitsPerSecond = rateBits, QueueLimitBytes = 4 << 20 } };
        await using var link = throughLink ? new TcpLink(profile) { Target = (IPEndPoint)listener.LocalEndPoint! } : null;
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(link?.EndPoint ?? (IPEndPoint)listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();

        // The target writes for the set time, then closes; the rate is what the client read between its first and last read.
        var writing = new Thread(() =>
        {
            var chunk = new byte[64 * 1024];
            var clock = Stopwatch.StartNew();
            try
            {
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    server.Send(chunk);
                }

                server.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
            }
        });
        writing.Start();
        var buffer = new byte[256 * 1024];
        long total = 0;
        long firstBytes = 0;
        long first = 0;
        long last = 0;
        while (true)
        {
            var read = client.Receive(buffer);
            if (read == 0)
            {
                break;
            }

            last = Stopwatch.GetTimestamp();
            if (first == 0)
            {
                first = last;
                firstBytes = read;
            }

            total += read;
        }

        writing.Join();
        var rate = (total - firstBytes) * 8 / Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        var label = rateBits == 0 ? "unlimited" : (rateBits / 1e6).ToString("F0", CultureInfo.InvariantCulture);
        var ratio = rateBits == 0 ? "–" : (rate / rateBits).ToString("F3", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | {(throughLink ? "link" : "direct")} | {total} | {rate / 1e6:F1} | {ratio} |");
    }
}
