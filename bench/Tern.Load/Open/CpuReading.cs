using System.Diagnostics;
using Tern.Load.Nodes;

namespace Tern.Load.Open;

/// <summary>The CPU time so far of the generator (<c>/proc/self/stat</c>) and of each watched process, at one moment.</summary>
internal sealed class CpuReading
{
    private CpuReading(long timestamp, TimeSpan generator, TimeSpan[] processes)
    {
        Timestamp = timestamp;
        Generator = generator;
        Processes = processes;
    }

    public long Timestamp { get; }

    public TimeSpan Generator { get; }

    /// <summary>In the order of <see cref="LoadRunOptions.Processes"/>; zero for one that has exited.</summary>
    public IReadOnlyList<TimeSpan> Processes { get; }

    public static CpuReading Take(IReadOnlyList<(string Name, int ProcessId)> processes)
    {
        var times = new TimeSpan[processes.Count];
        for (var i = 0; i < times.Length; i++)
        {
            try
            {
                times[i] = ProcStat.Cpu(processes[i].ProcessId);
            }
            catch (IOException)
            {
                // Exited: nothing more to count.
            }
        }

        return new CpuReading(Stopwatch.GetTimestamp(), ProcStat.SelfCpu(), times);
    }

    public double Seconds(CpuReading since) => Stopwatch.GetElapsedTime(since.Timestamp, Timestamp).TotalSeconds;
}
