namespace Tern.PendingBench;

/// <summary>Resident memory of this process from /proc/self/status (kB lines), in bytes.</summary>
internal static class ProcessMemory
{
    public static long Rss => Read("VmRSS:");

    public static long Peak => Read("VmHWM:");

    private static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}
