namespace Tern.Load.Open;

/// <summary>One stream's interval in the timeline (<see cref="TimelineWriter"/>); latencies NaN when nothing was answered.</summary>
internal sealed record TimelineRow(
    long Seconds,
    string Phase,
    string Stream,
    long Scheduled,
    long Started,
    long Ok,
    long Errors,
    long Dropped,
    long Late,
    long InFlight,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double GeneratorCpuPercent,
    IReadOnlyList<double> ProcessCpuPercent,
    IReadOnlyList<double> ProbeRates);
