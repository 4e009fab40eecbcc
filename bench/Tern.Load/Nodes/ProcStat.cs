using System.Globalization;

namespace Tern.Load.Nodes;

/// <summary>What <c>/proc/&lt;pid&gt;</c> says of another process: its CPU time and its resident memory.</summary>
internal static class ProcStat
{
    // USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux architecture .NET runs on.
    private const int TicksPerSecond = 100;

    /// <summary>User + system CPU time of the process so far (resolution 10 ms).</summary>
    public static TimeSpan Cpu(int pid) => CpuOf($"/proc/{pid}/stat");

    /// <summary>User + system CPU time of this process so far, from <c>/proc/self/stat</c> (resolution 10 ms).</summary>
    public static TimeSpan SelfCpu() => CpuOf("/proc/self/stat");

    private static TimeSpan CpuOf(string path)
    {
        var stat = File.ReadAllText(path);
        // Fields after the command name (which may hold spaces), from its closing parenthesis: utime and stime are
        // fields 14 and 15 of the line, the 12th and 13th after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / TicksPerSecond);
    }

    /// <summary>
    /// Whether the runtime's background tiering thread (<c>.NET Tiered Compilation Worker</c>, named <c>.NET Tiered Com</c>
    /// in <c>/proc</c>) is alive in the process: it exists while methods wait to be recompiled optimized and exits
    /// once none has waited for a while, so its absence says the process runs its steady-state code.
    /// </summary>
    public static bool Tiering(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread ended while the tasks were listed.
            }
        }

        return false;
    }

    /// <summary>Resident memory now (<c>VmRSS</c>) and at its peak so far (<c>VmHWM</c>), in MiB.</summary>
    public static (double Now, double Peak) Rss(int pid)
    {
        double now = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                now = Kib(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line) / 1024.0;
            }
        }

        return (now, peak);
    }

    private static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
