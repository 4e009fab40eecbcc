using System.Globalization;

namespace Tern.ColdKeyBench;

/// <summary>One thread of this process, found by name in /proc, and the CPU it has used (user and system, ns).</summary>
internal sealed class ReceiveThread(string statPath)
{
    public static ReceiveThread Find(string name)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            foreach (var task in Directory.GetDirectories("/proc/self/task"))
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() == name)
                {
                    return new ReceiveThread(Path.Combine(task, "schedstat"));
                }
            }

            Thread.Sleep(10);
        }

        throw new InvalidOperationException($"no thread named {name}");
    }

    /// <summary>Time on a CPU: the first field of schedstat, in ns.</summary>
    public long CpuNanoseconds() => long.Parse(File.ReadAllText(statPath).Split(' ')[0], CultureInfo.InvariantCulture);
}
