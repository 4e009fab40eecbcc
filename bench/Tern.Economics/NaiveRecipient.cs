using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.Economics;

/// <summary>
/// The naive sender-stores design's recipient (a child process): each notification datagram (<c>id hash url</c>) is
/// appended to <c>notifications.log</c> and kept in memory until pulled, with no expiry and no accounting; a hash whose
/// number is under <c>--pull-below</c> is pulled at once over HTTP and the blob stored as a file. Prints
/// <c>READY port</c>, then on a line from stdin <c>DONE received pulled</c>.
/// </summary>
internal static class NaiveRecipient
{
    public static async Task RunAsync(Options options)
    {
        var directory = options.Require("dir");
        var pullBelow = options.Int("pull-below", 0);
        Directory.CreateDirectory(Path.Combine(directory, "mail"));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 16 << 20 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var log = new FileStream(Path.Combine(directory, "notifications.log"), FileMode.Append, FileAccess.Write, FileShare.Read, 4096);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        var pulls = new List<Task>();
        long received = 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY {((IPEndPoint)socket.LocalEndPoint!).Port}"));
        var done = Task.Run(Console.In.ReadLine);
        var buffer = new byte[2048];
        while (!done.IsCompleted)
        {
            if (!socket.Poll(TimeSpan.FromMilliseconds(50), SelectMode.SelectRead))
            {
                continue;
            }

            var length = socket.Receive(buffer);
            received++;
            // The notification as the naive design keeps it: a line on disk (written through to the page cache) and an entry in memory.
            log.Write(buffer, 0, length);
            log.Flush();
            var text = Encoding.ASCII.GetString(buffer, 0, length).TrimEnd('\n');
            var fields = text.Split(' ');
            pending[fields[1]] = text;
            if (long.Parse(fields[1].AsSpan(1), CultureInfo.InvariantCulture) < pullBelow)
            {
                var (id, url) = (fields[0], fields[2]);
                pulls.Add(Task.Run(async () =>
                {
                    var blob = await http.GetByteArrayAsync(new Uri(url)).ConfigureAwait(false);
                    await File.WriteAllBytesAsync(Path.Combine(directory, "mail", id), blob).ConfigureAwait(false);
                }));
            }
        }

        await Task.WhenAll(pulls).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE {received} {pulls.Count} {pending.Count}"));
    }
}
