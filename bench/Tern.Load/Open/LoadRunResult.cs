using System.Globalization;

namespace Tern.Load.Open;

/// <summary>What a run measured: each stream's result and the CPU of the generator and of the watched processes over the measured phase.</summary>
internal sealed class LoadRunResult
{
    public LoadRunResult(int seed, TimeSpan warmup, TimeSpan duration, IReadOnlyList<StreamResult> streams, TimeSpan generatorCpu, IReadOnlyList<(string Name, TimeSpan Cpu)> processCpu, double measuredSeconds)
    {
        Seed = seed;
        Warmup = warmup;
        Duration = duration;
        Streams = streams;
        GeneratorCpu = generatorCpu;
        ProcessCpu = processCpu;
        MeasuredSeconds = measuredSeconds;
    }

    public int Seed { get; }

    public TimeSpan Warmup { get; }

    public TimeSpan Duration { get; }

    public IReadOnlyList<StreamResult> Streams { get; }

    /// <summary>This process's CPU time over the measured phase (from <c>/proc/self/stat</c>).</summary>
    public TimeSpan GeneratorCpu { get; }

    /// <summary>Each watched process's CPU time over the measured phase.</summary>
    public IReadOnlyList<(string Name, TimeSpan Cpu)> ProcessCpu { get; }

    /// <summary>Wall time between the CPU readings at the start and end of the measured phase.</summary>
    public double MeasuredSeconds { get; }

    /// <summary>The generator's CPU as a share of one core over the measured phase, in per cent.</summary>
    public double GeneratorCpuPercent => GeneratorCpu.TotalSeconds / MeasuredSeconds * 100;

    public StreamResult this[string name] => Streams.First(s => s.Name == name);

    /// <summary>A CPU time as a share of one core over the measured phase, in per cent.</summary>
    public double Percent(TimeSpan cpu) => cpu.TotalSeconds / MeasuredSeconds * 100;

    /// <summary>Lines for scripts: one <c>STREAM</c> per stream and one <c>CPU</c>.</summary>
    public IEnumerable<string> Format()
    {
        foreach (var stream in Streams)
        {
            yield return "STREAM " + stream.Format();
        }

        var processes = string.Concat(ProcessCpu.Select(p => string.Create(CultureInfo.InvariantCulture, $" {p.Name}_cpu_pct={Percent(p.Cpu):F1}")));
        yield return string.Create(CultureInfo.InvariantCulture, $"CPU seed={Seed} measured_s={MeasuredSeconds:F1} generator_cpu_pct={GeneratorCpuPercent:F1}{processes}");
    }
}
