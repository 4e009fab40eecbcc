using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;

namespace Tern.Bench;

/// <summary>
/// The shared configuration: in-process toolchain-free default job with bounded iterations (the machines
/// are small and shared), memory diagnoser on, GitHub markdown and CSV exports for perf-reports/.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        // Iterations of 250 ms (the default is 500): the slowest case (a key agreement, tens of µs) still runs thousands
        // of times an iteration. Two warm-ups and six iterations a case (ShortRun's three, with a little more to average)
        // fit `make bench`'s budget (bench/budgets.tsv). Sound because the headline is each row's ratio to its raw
        // baseline measured in the same run, and the iterations' spread within a case (StdDev 1-5 % of the mean in the
        // 12-iteration reports of 2026-12-02 and 12-06) is far below the 10-20 % the same row moves between runs on this
        // shared machine.
        // By default every case runs in this process (no generated project to build, no process a case) and without the
        // overhead stage: an empty loop's cost is under the rows' spread. BENCH_FULL=1: each case in its own freshly
        // built process, the overhead subtracted, three warm-ups and twelve iterations.
        var full = Environment.GetEnvironmentVariable("BENCH_FULL") == "1";
        var job = Job.Default.WithWarmupCount(full ? 3 : 2).WithIterationCount(full ? 12 : 6).WithLaunchCount(1)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250));
        if (!full)
        {
            job = job.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance)
                .WithEvaluateOverhead(false);
        }
        AddJob(job);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(StatisticColumn.OperationsPerSecond);
        AddExporter(MarkdownExporter.GitHub);
        AddExporter(CsvExporter.Default);
        AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
        // BenchmarkDotNet builds a boilerplate project first; its default two-minute limit is too short on a shared, loaded machine.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}
