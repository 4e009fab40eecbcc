namespace Tern.Load.Scenarios;

/// <summary>Settings every scenario shares.</summary>
internal static class ScenarioRuns
{
    /// <summary><c>warmup</c> (default 5 s) and <c>seconds</c> measured (default 20 s).</summary>
    public static (TimeSpan Warmup, TimeSpan Duration) Phases(ScenarioSettings settings) => (settings.Seconds("warmup", 5), settings.Seconds("seconds", 20));

    /// <summary>A process's CPU per operation in µs.</summary>
    public static double MicrosecondsPer(TimeSpan cpu, long operations) => cpu.TotalMicroseconds / Math.Max(1, operations);
}
