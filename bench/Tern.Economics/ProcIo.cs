using System.Globalization;

namespace Tern.Economics;

/// <summary>What <c>/proc/&lt;pid&gt;/io</c> says of a process: the bytes it caused to be written to storage.</summary>
internal static class ProcIo
{
    /// <summary><c>write_bytes</c> of the process so far: bytes sent to the block layer (page-cache writeback included), not socket traffic.</summary>
    public static long WriteBytes(int pid) => Field(File.ReadAllText($"/proc/{pid}/io"), "write_bytes");

    /// <summary>The value of <paramref name="name"/> in the text of a <c>/proc/&lt;pid&gt;/io</c> file.</summary>
    public static long Field(string text, string name)
    {
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).SequenceEqual(name))
            {
                return long.Parse(line.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        throw new FormatException($"/proc io text has no {name} line");
    }

    /// <summary>User + system CPU seconds in the text of a <c>/proc/&lt;pid&gt;/stat</c> file (USER_HZ 100).</summary>
    public static double StatCpuSeconds(string stat)
    {
        // The command name may hold spaces and parentheses: fields are counted from its last closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>
    /// CPU seconds of the threads of <paramref name="pid"/> whose name starts with <paramref name="prefix"/> (the
    /// notification port's receive threads are <c>tern-udp-&lt;port&gt;</c>): the ingest's own work, beside the process's.
    /// </summary>
    public static double ThreadCpuSeconds(int pid, string prefix)
    {
        double total = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                    {
                        total += StatCpuSeconds(File.ReadAllText(Path.Combine(task, "stat")));
                    }
                }
                catch (IOException)
                {
                    // A thread that ended while listed.
                }
            }
        }
        catch (IOException)
        {
            return 0;
        }

        return total;
    }

    /// <summary>CPU seconds of <paramref name="pid"/>, 0 when it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            return StatCpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
