using System.Globalization;

namespace Tern.E2e.Tests;

/// <summary>What <c>/proc/net/udp</c> says of the socket bound to a local IPv4 port: bytes waiting in its receive queue, and its drops.</summary>
internal static class PortQueue
{
    /// <summary>The receive queue's bytes and the socket's drop count, or null when no socket is bound to <paramref name="port"/>.</summary>
    public static (long Queued, long Drops)? Of(int port)
    {
        var suffix = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines("/proc/net/udp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 12 && fields[1].EndsWith(suffix, StringComparison.Ordinal))
            {
                // tx_queue:rx_queue in hex, then the drops column last.
                var queued = long.Parse(fields[4][(fields[4].IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return (queued, long.Parse(fields[^1], CultureInfo.InvariantCulture));
            }
        }

        return null;
    }
}
