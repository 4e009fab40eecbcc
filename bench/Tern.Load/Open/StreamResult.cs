using System.Globalization;
using HdrHistogram;

namespace Tern.Load.Open;

/// <summary>One stream's measured phase: counts, rates and both latency histograms (µs).</summary>
internal sealed class StreamResult
{
    public StreamResult(LoadStreamOptions options, StreamCounters counters, LongHistogram corrected, LongHistogram uncorrected, double windowSeconds)
    {
        Options = options;
        Counters = counters;
        Corrected = corrected;
        Uncorrected = uncorrected;
        WindowSeconds = windowSeconds;
    }

    public LoadStreamOptions Options { get; }

    public StreamCounters Counters { get; }

    /// <summary>Latency from each send's due time (coordinated omission corrected), successes only.</summary>
    public LongHistogram Corrected { get; }

    /// <summary>Latency from the moment a lane started each send, successes only.</summary>
    public LongHistogram Uncorrected { get; }

    /// <summary>From the first due time of the measured phase to its end, or to the last of its sends a lane started when that came later.</summary>
    public double WindowSeconds { get; }

    public string Name => Options.Name;

    /// <summary>Sends started per second over <see cref="WindowSeconds"/>.</summary>
    public double AchievedRate => Counters.Started / WindowSeconds;

    /// <summary>Whether every due send is accounted for: <c>scheduled = ok + errors + dropped</c>.</summary>
    public bool CountsAddUp => Counters.Scheduled == Counters.Ok + Counters.Errors + Counters.Dropped;

    /// <summary>A percentile of a histogram in milliseconds (<paramref name="percentile"/> 100 for the maximum); NaN when empty.</summary>
    public static double Milliseconds(LongHistogram histogram, double percentile)
    {
        if (histogram.TotalCount == 0)
        {
            return double.NaN;
        }

        return (percentile >= 100 ? histogram.GetMaxValue() : histogram.GetValueAtPercentile(percentile)) / 1000.0;
    }

    /// <summary>One <c>key=value</c> line for scripts.</summary>
    public string Format()
    {
        var c = Counters;
        var errors = string.Join(',', c.ErrorClasses().Select(e => $"{e.Key}:{e.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"stream={Name} intended_per_s={Options.Rate:F1} achieved_per_s={AchievedRate:F1} scheduled={c.Scheduled} started={c.Started} ok={c.Ok} errors={c.Errors} dropped={c.Dropped} late={c.Late} " +
            $"p50_ms={Milliseconds(Corrected, 50):F3} p99_ms={Milliseconds(Corrected, 99):F3} p999_ms={Milliseconds(Corrected, 99.9):F3} max_ms={Milliseconds(Corrected, 100):F3} " +
            $"uncorrected_p50_ms={Milliseconds(Uncorrected, 50):F3} uncorrected_p99_ms={Milliseconds(Uncorrected, 99):F3} uncorrected_p999_ms={Milliseconds(Uncorrected, 99.9):F3} uncorrected_max_ms={Milliseconds(Uncorrected, 100):F3} " +
            $"error_classes={(errors.Length == 0 ? "none" : errors)}");
    }
}
