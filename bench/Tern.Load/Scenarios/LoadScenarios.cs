namespace Tern.Load.Scenarios;

/// <summary>The open-model scenarios by name (bench/run-load.sh; docs/BENCHMARKS.md).</summary>
internal static class LoadScenarios
{
    public static readonly string[] Names = ["flood", "fetch", "mixed", "campaign"];

    /// <summary>Runs <paramref name="scenario"/> with its nodes under <paramref name="work"/> and writes its report to <paramref name="report"/>.</summary>
    public static Task RunAsync(string scenario, string work, string report, string ternDll, IEnumerable<string> settings)
    {
        var parsed = new ScenarioSettings(settings);
        return scenario switch
        {
            "flood" => FloodScenario.RunAsync(work, report, ternDll, parsed),
            "fetch" => FetchScenario.RunAsync(work, report, ternDll, parsed),
            "mixed" => MixedScenario.RunAsync(work, report, ternDll, parsed),
            "campaign" => CampaignScenario.RunAsync(work, report, ternDll, parsed),
            _ => throw new ArgumentException($"unknown scenario '{scenario}': one of {string.Join(", ", Names)}"),
        };
    }
}
