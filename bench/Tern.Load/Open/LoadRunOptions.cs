namespace Tern.Load.Open;

/// <summary>How long a run lasts, what it watches beside its streams, and where its timeline goes.</summary>
internal sealed class LoadRunOptions
{
    /// <summary>Sends due in this first part are made and shown but left out of every total. Whole seconds. Defaults to 5 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The measured part after the warm-up. Whole seconds. Defaults to 30 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Seed of the random parts (Poisson gaps; stream <c>i</c> uses seed + i). Defaults to 18.</summary>
    public int Seed { get; init; } = 18;

    /// <summary>Processes whose CPU the timeline and the result show beside the generator's (a node's name and process id).</summary>
    public IReadOnlyList<(string Name, int ProcessId)> Processes { get; init; } = [];

    /// <summary>Counters read once a second and shown as rates in the timeline.</summary>
    public IReadOnlyList<TimelineProbe> Probes { get; init; } = [];

    /// <summary>The per-second timeline, as CSV; none when null.</summary>
    public string? TimelinePath { get; init; }

    /// <summary>Where the one-line-a-second progress goes; none when null. Defaults to the console.</summary>
    public TextWriter? Progress { get; init; } = Console.Out;

    /// <summary>How long the run waits after the last due send for what is in flight, beyond the longest operation timeout. Defaults to 10 s.</summary>
    public TimeSpan DrainGrace { get; init; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (Warmup < TimeSpan.Zero || Warmup.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "whole seconds, 0 or more");
        }

        if (Duration < TimeSpan.FromSeconds(1) || Duration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), Duration, "whole seconds, 1 or more");
        }
    }
}
