using Tern.Load.Scenarios;

namespace Tern.Load.Kill;

/// <summary>
/// <c>Tern.Load killload &lt;dir&gt; &lt;report.md&gt; &lt;tern.dll&gt; [key=value ...]</c> (bench/run-killload.sh, <c>make
/// killload</c>): the full run and its report; exit 1 when a guarantee broke.
/// </summary>
internal static class KillLoadScenario
{
    public static async Task<int> RunAsync(string work, string reportPath, string ternDll, IEnumerable<string> arguments)
    {
        var settings = new ScenarioSettings(arguments);
        var defaults = new KillLoadOptions();
        var options = new KillLoadOptions
        {
            Kills = settings.Int("kills", defaults.Kills),
            Seed = settings.Int("seed", defaults.Seed),
            Period = settings.Seconds("period", (int)defaults.Period.TotalSeconds),
            MaxDownTime = TimeSpan.FromSeconds(settings.Double("max-down", defaults.MaxDownTime.TotalSeconds)),
            Tail = settings.Seconds("tail", (int)defaults.Tail.TotalSeconds),
            SubmitRate = settings.Double("submit-rate", defaults.SubmitRate),
            ClientRate = settings.Double("client-rate", defaults.ClientRate),
            Size = settings.Int("size", defaults.Size),
            LargeEvery = settings.Int("large-every", defaults.LargeEvery),
            LargeSize = settings.Int("large-size", defaults.LargeSize),
            PullFraction = settings.Double("pull-fraction", defaults.PullFraction),
            MaxRetransmitInterval = settings.Seconds("retransmit-max", (int)defaults.MaxRetransmitInterval.TotalSeconds),
            PendingCheckpointInterval = settings.Seconds("checkpoint", (int)defaults.PendingCheckpointInterval.TotalSeconds),
            RefileBound = settings.Seconds("refile-bound", (int)defaults.RefileBound.TotalSeconds),
            DrainBound = settings.Seconds("drain-bound", (int)defaults.DrainBound.TotalSeconds),
            TimelinePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(reportPath))!, "killload.timeline.csv"),
        };
        settings.CheckAllUsed();
        var started = DateTimeOffset.UtcNow;
        var loadBefore = string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        var result = await KillLoadRun.RunAsync(Path.Combine(work, "nodes"), ternDll, options).ConfigureAwait(false);
        KillLoadReport.Write(reportPath, result, settings.Used, started, loadBefore);
        Console.WriteLine($"RESULT kills={result.Points.Count} acknowledged={result.Acknowledged} delivered={result.Delivered} verified={result.Verified} violations={result.Violations.Count}");
        foreach (var (kind, what) in result.Violations)
        {
            await Console.Error.WriteLineAsync($"VIOLATION {kind}: {what}").ConfigureAwait(false);
        }

        return result.Violations.Count == 0 ? 0 : 1;
    }
}
