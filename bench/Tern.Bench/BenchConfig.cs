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
        // Iterations of 250 ms (the default is 500): the codec suite's 30 cases fit `make bench`'s 45-minute budget,
        // and the slowest case (a key agreement, tens of µs) still runs thousands of times an iteration.
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(12).WithLaunchCount(1)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)));
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
