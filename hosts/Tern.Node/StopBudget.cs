using System.Diagnostics;

namespace Tern.Node;

/// <summary>
/// One clock for the whole stop, so the stop ends within <see cref="TernNodeOptions.ShutdownTimeout"/> however the stages
/// share it (OPERATIONS.md, "Start, stop, signals"): the pull and fetch drains together end at most
/// <see cref="TernNodeOptions.DrainTimeout"/> after the stop began, rather than each having a drain time of its own; the
/// pending table's checkpoint ends at most <see cref="CheckpointShare"/> of the shutdown time after it began, leaving the
/// rest to close the transit store (commit its journal, checkpoint its index), which is never cut.
/// </summary>
internal sealed class StopBudget
{
    /// <summary>The part of the shutdown time by which the pending table's checkpoint must be done (or is left to the exit).</summary>
    public const double CheckpointShare = 0.75;

    private readonly TernNodeOptions _options;
    private long _began;

    public StopBudget(TernNodeOptions options) => _options = options;

    /// <summary>Starts the clock (the first stage to stop does); later calls do nothing.</summary>
    public void Begin() => Interlocked.CompareExchange(ref _began, Stopwatch.GetTimestamp(), 0);

    /// <summary>True once the stop began.</summary>
    public bool Started => Interlocked.Read(ref _began) != 0;

    /// <summary>Time since the stop began (zero before).</summary>
    public TimeSpan Elapsed
    {
        get
        {
            var began = Interlocked.Read(ref _began);
            return began == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(began);
        }
    }

    /// <summary>What is left of the drain time shared by the pull and fetch drains.</summary>
    public TimeSpan DrainLeft => Left(_options.DrainTimeout);

    /// <summary>What is left for the pending table's checkpoint.</summary>
    public TimeSpan CheckpointLeft => Left(_options.ShutdownTimeout * CheckpointShare);

    private TimeSpan Left(TimeSpan bound)
    {
        Begin();
        var left = bound - Elapsed;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
