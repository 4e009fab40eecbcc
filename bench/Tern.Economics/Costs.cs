namespace Tern.Economics;

/// <summary>The arithmetic of the report: every figure it prints comes through here (tests/Tern.Economics.Tests checks it).</summary>
internal static class Costs
{
    /// <summary>
    /// A process's cost per unit over a window, net of its background: <paramref name="delta"/> measured over
    /// <paramref name="seconds"/>, less <paramref name="backgroundPerSecond"/> × seconds (the same process's rate in the idle
    /// phase, legitimate traffic included), divided by <paramref name="units"/>. Never below zero; NaN without units.
    /// </summary>
    public static double PerUnit(double delta, double backgroundPerSecond, double seconds, long units) =>
        units <= 0 ? double.NaN : Math.Max(0, delta - (backgroundPerSecond * seconds)) / units;

    /// <summary>
    /// The marginal cost of a unit: the slope between two runs of different sizes, (<paramref name="large"/> −
    /// <paramref name="small"/>) / (<paramref name="largeUnits"/> − <paramref name="smallUnits"/>), each cost already net
    /// of its background. What both runs pay once (their snapshots, the first batch's start, the last references' tail, a
    /// late JIT) cancels out; a cost per unit does not. NaN when the sizes are equal.
    /// </summary>
    public static double Marginal(double large, double small, long largeUnits, long smallUnits) =>
        largeUnits == smallUnits ? double.NaN : (large - small) / (largeUnits - smallUnits);

    /// <summary>sender / recipient, infinite when the recipient's cost is zero (and the sender's not).</summary>
    public static double Ratio(double sender, double recipient) =>
        recipient > 0 ? sender / recipient : sender > 0 ? double.PositiveInfinity : double.NaN;

    /// <summary>
    /// The cost of one pulled notification from a run where <paramref name="pulled"/> of <paramref name="total"/> were pulled:
    /// the run's total cost less what the ignored ones cost at <paramref name="ignoredEach"/> (the 0 % run's figure), over the pulled.
    /// </summary>
    public static double PerPulled(double totalCost, double ignoredEach, long total, long pulled) =>
        pulled <= 0 ? double.NaN : Math.Max(0, totalCost - (ignoredEach * (total - pulled))) / pulled;

    /// <summary>Nearest-rank percentile <paramref name="p"/> (0–100) of <paramref name="values"/>; NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>
    /// The time a block took to bring the blocked domain's cost to zero: from the block's answer to the last reference of
    /// that domain filed after it (0 when none was), from samples of (seconds since start, references pending).
    /// </summary>
    public static double BlockToZero(IReadOnlyList<(double Seconds, long Pending)> samples, double blockedAt)
    {
        var last = blockedAt;
        for (var i = 1; i < samples.Count; i++)
        {
            if (samples[i].Pending > samples[i - 1].Pending && samples[i].Seconds > blockedAt)
            {
                last = samples[i].Seconds;
            }
        }

        return last - blockedAt;
    }

    /// <summary>
    /// Retransmissions a delivery never fetched gets before its transit expiry (docs/PROTOCOL.md §4.6): retransmission n
    /// comes min(2 s × 2^(n−1), 3600 s) after the previous one, times a jitter factor uniform in [0.5, 1.0] (its mean,
    /// 0.75, here).
    /// </summary>
    public static int RetransmissionsUntil(TimeSpan expiry)
    {
        double at = 0;
        var count = 0;
        for (var n = 1; ; n++)
        {
            at += Math.Min(2 * Math.Pow(2, n - 1), 3600) * 0.75;
            if (at > expiry.TotalSeconds)
            {
                return count;
            }

            count++;
        }
    }
}
