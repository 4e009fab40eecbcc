using HdrHistogram;

namespace Tern.Load.Open;

/// <summary>
/// A stream's latencies in microseconds, in HdrHistogram (3 significant digits, 1 µs to 1 hour): recorded concurrently by
/// the lanes through <see cref="Recorder"/>s, taken out once an interval by the run's ticker into plain histograms for
/// the interval (the timeline) and the whole measured phase (the report).
/// </summary>
internal sealed class LatencyHistograms
{
    /// <summary>Largest value kept, in µs: an hour; a longer one is recorded as an hour.</summary>
    public const long Highest = 3_600_000_000;

    private const int Digits = 3;

    // Measured phase: from the due time (corrected for coordinated omission) and from the actual start.
    private readonly Recorder _corrected = NewRecorder();
    private readonly Recorder _uncorrected = NewRecorder();

    // Warm-up, from the due time: shown in the timeline, kept out of the totals.
    private readonly Recorder _warmup = NewRecorder();

    private HistogramBase? _correctedInterval;
    private HistogramBase? _uncorrectedInterval;
    private HistogramBase? _warmupInterval;

    /// <summary>Every measured operation's latency from its due time.</summary>
    public LongHistogram Corrected { get; } = NewHistogram();

    /// <summary>Every measured operation's latency from the moment a lane started it.</summary>
    public LongHistogram Uncorrected { get; } = NewHistogram();

    /// <summary>The last interval's latencies from the due time, warm-up and measured operations together.</summary>
    public LongHistogram Interval { get; } = NewHistogram();

    public static LongHistogram NewHistogram() => new(1, Highest, Digits);

    public void Record(bool measured, long correctedMicroseconds, long uncorrectedMicroseconds)
    {
        var corrected = Math.Clamp(correctedMicroseconds, 1, Highest);
        if (measured)
        {
            _corrected.RecordValue(corrected);
            _uncorrected.RecordValue(Math.Clamp(uncorrectedMicroseconds, 1, Highest));
        }
        else
        {
            _warmup.RecordValue(corrected);
        }
    }

    /// <summary>Ends an interval: fills <see cref="Interval"/> and adds the measured part to the totals. The ticker's thread only.</summary>
    public void EndInterval()
    {
        _correctedInterval = _corrected.GetIntervalHistogram(_correctedInterval);
        _uncorrectedInterval = _uncorrected.GetIntervalHistogram(_uncorrectedInterval);
        _warmupInterval = _warmup.GetIntervalHistogram(_warmupInterval);
        Corrected.Add(_correctedInterval);
        Uncorrected.Add(_uncorrectedInterval);
        Interval.Reset();
        Interval.Add(_correctedInterval);
        Interval.Add(_warmupInterval);
    }

    // Lanes record at once: the recorders' histograms take concurrent writes.
    private static Recorder NewRecorder() => new(1, Highest, Digits, static (id, lowest, highest, digits) => new LongConcurrentHistogram(id, lowest, highest, digits));
}
