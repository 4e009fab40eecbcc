using System.Globalization;

namespace Tern.ColdKeyBench;

/// <summary>Datagrams the kernel dropped for a full receive buffer on a bound UDP port (the last column of /proc/net/udp).</summary>
internal static class KernelDrops
{
    public static long Of(int port, bool ipv6)
    {
        var suffix = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines(ipv6 ? "/proc/net/udp6" : "/proc/net/udp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 12 && fields[1].EndsWith(suffix, StringComparison.Ordinal))
            {
                return long.Parse(fields[^1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
