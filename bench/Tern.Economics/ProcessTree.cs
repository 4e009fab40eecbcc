using System.Globalization;

namespace Tern.Economics;

/// <summary>
/// The CPU of a process and its descendants from <c>/proc</c>: each live one's user + system time and the times of the
/// children it has reaped (cutime, cstime), so a child that exits between two readings still counts, in its parent.
/// </summary>
internal static class ProcessTree
{
    public static double CpuSeconds(int root)
    {
        double total = 0;
        foreach (var pid in Descendants(root).Prepend(root))
        {
            try
            {
                total += WithChildren(File.ReadAllText($"/proc/{pid}/stat"));
            }
            catch (IOException)
            {
                // Gone meanwhile: its time is in its parent's cutime now.
            }
        }

        return total;
    }

    /// <summary>utime + stime + cutime + cstime of a <c>/proc/&lt;pid&gt;/stat</c> text, in seconds (USER_HZ 100).</summary>
    public static double WithChildren(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = 0;
        for (var i = 11; i <= 14; i++)
        {
            ticks += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return ticks / 100.0;
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var text = File.ReadAllText(Path.Combine(task, "children"));
                children.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return children;
        }

        return children.Concat(children.SelectMany(Descendants)).ToList();
    }
}
