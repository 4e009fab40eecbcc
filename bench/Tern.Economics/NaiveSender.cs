using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.Economics;

/// <summary>
/// The naive sender-stores design's sender (a child process): one stored copy of the blob served over HTTP/1.1, one
/// datagram per recipient naming it (<c>id r&lt;n&gt; url</c>), no expiry, no accounting, no budget. Prints
/// <c>READY</c>; on stdin <c>SEND n port first</c> sends n notifications (to r&lt;first&gt; on) and prints <c>SENT datagrams bytes</c>; on
/// <c>STOP</c> prints <c>SERVED requests bytes</c> and exits.
/// </summary>
internal static class NaiveSender
{
    public static async Task RunAsync(Options options)
    {
        var blob = new byte[options.BlobBytes];
        Random.Shared.NextBytes(blob);
        var path = Path.Combine(options.Require("dir"), "blob");
        await File.WriteAllBytesAsync(path, blob).ConfigureAwait(false);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/blob");
        long served = 0, servedBytes = 0;
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        var request = new byte[4096];
                        var read = 0;
                        while (read < request.Length && !Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var n = await stream.ReadAsync(request.AsMemory(read)).ConfigureAwait(false);
                            if (n == 0)
                            {
                                return;
                            }

                            read += n;
                        }

                        // The one stored copy, read from its file for every fetch as a server without a cache would.
                        var body = await File.ReadAllBytesAsync(path).ConfigureAwait(false);
                        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                        await stream.WriteAsync(head).ConfigureAwait(false);
                        await stream.WriteAsync(body).ConfigureAwait(false);
                        Interlocked.Increment(ref served);
                        Interlocked.Add(ref servedBytes, head.Length + body.Length);
                    }
                });
            }
        });

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Console.WriteLine("READY");
        while (Console.ReadLine() is { } line)
        {
            var words = line.Split(' ');
            if (words[0] == "SEND")
            {
                var count = int.Parse(words[1], CultureInfo.InvariantCulture);
                var target = new IPEndPoint(IPAddress.Loopback, int.Parse(words[2], CultureInfo.InvariantCulture));
                var first = long.Parse(words[3], CultureInfo.InvariantCulture);
                long bytes = 0;
                for (var i = 0; i < count; i++)
                {
                    var datagram = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Guid.NewGuid():N} r{first + i} {url}\n"));
                    bytes += socket.SendTo(datagram, target);
                    if (i % 256 == 255)
                    {
                        // Paced (≤ ~256 datagrams a millisecond) so the recipient's socket buffer is not what the run measures.
                        Thread.Sleep(1);
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SENT {count} {bytes}"));
            }
            else if (words[0] == "STOP")
            {
                break;
            }
        }

        listener.Stop();
        await serving.ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SERVED {Interlocked.Read(ref served)} {Interlocked.Read(ref servedBytes)}"));
    }
}
