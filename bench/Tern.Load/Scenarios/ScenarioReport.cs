using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Tern.Load.Open;

namespace Tern.Load.Scenarios;

/// <summary>
/// A scenario's report in Markdown (perf-reports/load-&lt;scenario&gt;.md): the command, date, commit, machine, load,
/// seed and settings, then each run's streams (corrected and uncorrected latency, intended against achieved rate, late,
/// dropped, errors by class), the CPU of the generator beside the nodes' and the baseline's, and the ratios.
/// </summary>
internal sealed class ScenarioReport
{
    private readonly StringBuilder _body = new();
    private readonly string _title;
    private readonly string _scenario;
    private readonly ScenarioSettings _settings;
    private readonly string _loadBefore = LoadAverage();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public ScenarioReport(string title, string scenario, ScenarioSettings settings)
    {
        _title = title;
        _scenario = scenario;
        _settings = settings;
    }

    public void Heading(string text) => _body.AppendLine().Append("## ").AppendLine(text).AppendLine();

    public void Paragraph(string text) => _body.AppendLine(text).AppendLine();

    /// <summary>One row per stream of each run: rates, counts and latency (ms) from the due time and from the actual start.</summary>
    public void Streams(params (string Run, LoadRunResult Result)[] runs)
    {
        _body.AppendLine("| run | stream | intended /s | achieved /s | scheduled | ok | errors | dropped | late | p50 | p99 | p99.9 | max | uncorrected p50 | p99 | p99.9 | max |");
        _body.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (run, result) in runs)
        {
            foreach (var s in result.Streams)
            {
                var c = s.Counters;
                _body.AppendLine(Invariant($"| {run} | {s.Name} | {s.Options.Rate:F0} | {s.AchievedRate:F1} | {c.Scheduled} | {c.Ok} | {c.Errors} | {c.Dropped} | {c.Late} | {Ms(s.Corrected, 50)} | {Ms(s.Corrected, 99)} | {Ms(s.Corrected, 99.9)} | {Ms(s.Corrected, 100)} | {Ms(s.Uncorrected, 50)} | {Ms(s.Uncorrected, 99)} | {Ms(s.Uncorrected, 99.9)} | {Ms(s.Uncorrected, 100)} |"));
            }
        }

        _body.AppendLine().AppendLine("Latencies in ms, successes only; the first four from each send's due time (corrected for coordinated omission), the last four from the moment a lane started it (uncorrected).").AppendLine();
        var errors = runs.SelectMany(r => r.Result.Streams.Where(s => s.Counters.Errors > 0).Select(s => $"{r.Run} {s.Name}: {string.Join(", ", s.Counters.ErrorClasses().Select(e => $"{e.Key} {e.Value}"))}")).ToArray();
        _body.AppendLine(errors.Length == 0 ? "Errors by class: none." : "Errors by class: " + string.Join("; ", errors) + ".").AppendLine();
        var unbalanced = runs.SelectMany(r => r.Result.Streams.Where(s => !s.CountsAddUp).Select(s => $"{r.Run} {s.Name}")).ToArray();
        _body.AppendLine(unbalanced.Length == 0 ? "Every due send is accounted for (scheduled = ok + errors + dropped) in every stream." : "**Counts do not add up** in: " + string.Join(", ", unbalanced)).AppendLine();
    }

    /// <summary>The CPU of the generator and of each watched process over each run's measured phase, in per cent of one core.</summary>
    public void Cpu(params (string Run, LoadRunResult Result)[] runs)
    {
        _body.AppendLine("| run | measured s | generator (this process) | watched processes |");
        _body.AppendLine("|---|---:|---:|---|");
        foreach (var (run, result) in runs)
        {
            var processes = string.Join(", ", result.ProcessCpu.Select(p => Invariant($"{p.Name} {result.Percent(p.Cpu):F1} %")));
            _body.AppendLine(Invariant($"| {run} | {result.MeasuredSeconds:F1} | {result.GeneratorCpuPercent:F1} % | {processes} |"));
        }

        _body.AppendLine().AppendLine(Invariant($"CPU from /proc/<pid>/stat (the generator's from /proc/self/stat) at the start and end of the measured phase; {Environment.ProcessorCount} cores, so 100 % is one of them.")).AppendLine();
    }

    /// <summary>
    /// A table of ratios: each row a metric, Tern's value, the baseline's, the ratio oriented so that higher is better for
    /// Tern (baseline ÷ Tern where lower is better) and the target. The first row, the headline, and every row with a
    /// target are also printed as <c>SUMMARY</c> lines, tab separated, for bench/run-load.sh to hand to the one table
    /// (bench/summary.sh).
    /// </summary>
    public void Ratios(IEnumerable<(string Metric, double Tern, double Baseline, bool LowerIsBetter, string Target)> rows)
    {
        _body.AppendLine("| metric | Tern | baseline | ratio (higher is better for Tern) | target |");
        _body.AppendLine("|---|---:|---:|---:|---|");
        var first = true;
        foreach (var (metric, tern, baseline, lower, target) in rows)
        {
            var ratio = lower ? baseline / tern : tern / baseline;
            _body.AppendLine(Invariant($"| {metric} | {tern:G4} | {baseline:G4} | **{ratio:F2}** | {target} |"));
            if (first || target != "—")
            {
                Console.WriteLine(Invariant($"SUMMARY\t{_scenario}: {metric}\t{tern:G4}\t{baseline:G4}\t{ratio:F2}\t{target}"));
            }

            first = false;
        }

        _body.AppendLine();
    }

    public void Write(string path)
    {
        var header = new StringBuilder();
        var settings = string.Join(" ", _settings.Used.Select(kv => $"{kv.Key}={kv.Value}"));
        header.Append("# ").AppendLine(_title).AppendLine();
        header.AppendLine(Invariant($"- command: `{Environment.GetEnvironmentVariable("TERN_LOAD_COMMAND") ?? $"bench/run-load.sh {_scenario}"}` (after `make build`); settings used: `{settings}`"));
        header.AppendLine(Invariant($"- date: {_started:yyyy-MM-ddTHH:mm}Z, {(DateTimeOffset.UtcNow - _started).TotalSeconds:F0} s"));
        header.AppendLine(Invariant($"- commit: {Environment.GetEnvironmentVariable("TERN_LOAD_COMMIT") ?? "unknown"}"));
        header.AppendLine(Invariant($"- machine: {Environment.ProcessorCount} cores, {CpuModel()}, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {RuntimeInformation.FrameworkDescription}"));
        header.AppendLine(Invariant($"- load average before / after: {_loadBefore} / {LoadAverage()} (a shared machine: other work runs beside; compare the ratios, not the absolute figures)"));
        header.AppendLine(Invariant($"- timeline (1 s intervals, CSV): `perf-reports/load-{_scenario}.timeline.csv` (Tern), `perf-reports/load-{_scenario}.floor-timeline.csv` (baseline); docs/BENCHMARKS.md says how to read them"));
        header.AppendLine();
        File.WriteAllText(path, header.ToString() + _body.ToString());
    }

    private static string Ms(HdrHistogram.LongHistogram histogram, double percentile)
    {
        var value = StreamResult.Milliseconds(histogram, percentile);
        return double.IsNaN(value) ? "—" : value.ToString(value < 10 ? "F3" : "F1", CultureInfo.InvariantCulture);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
}
