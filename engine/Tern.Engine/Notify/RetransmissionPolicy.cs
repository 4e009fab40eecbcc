using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Notify;

/// <summary>
/// The protocol's backoff (docs/PROTOCOL.md §4.6): retransmission <c>n</c> comes
/// <c>min(2 s × 2^(n−1), 3600 s)</c> after the previous transmission, times a uniform jitter in [0.5, 1.0],
/// so that notifications sent together do not stay in lockstep.
/// </summary>
public static class RetransmissionPolicy
{
    private static readonly long InitialMs = (long)NotificationLimits.InitialRetransmitInterval.TotalMilliseconds;
    private static readonly long MaxMs = (long)NotificationLimits.MaxRetransmitInterval.TotalMilliseconds;

    /// <summary>The interval before retransmission <paramref name="retransmission"/> (1 = the first resend), before jitter.</summary>
    public static long BaseIntervalMs(int retransmission)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retransmission, 1);
        var shift = Math.Min(retransmission - 1, 30);
        return Math.Min(InitialMs << shift, MaxMs);
    }

    /// <summary>The jittered interval; <paramref name="unitRandom"/> is uniform in [0, 1).</summary>
    public static long IntervalMs(int retransmission, double unitRandom)
        => (long)(BaseIntervalMs(retransmission) * (0.5 + (unitRandom * 0.5)));

    /// <summary>When the transmission after attempt <paramref name="attempt"/> (1 = the first send) is due.</summary>
    public static long NextAttemptAtMs(long sentAtMs, int attempt, double unitRandom) => sentAtMs + IntervalMs(attempt, unitRandom);

    /// <summary>
    /// The same schedule with other bounds: <c>min(initial × 2^(n−1), max)</c> times the jitter. Nodes use the protocol's
    /// bounds; shorter ones let tests and link emulations run the schedule in seconds.
    /// </summary>
    public static long IntervalMs(int retransmission, double unitRandom, long initialMs, long maxMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retransmission, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(initialMs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMs, initialMs);
        var shift = Math.Min(retransmission - 1, 62 - BitLength(initialMs));
        var baseMs = Math.Min(initialMs << Math.Max(shift, 0), maxMs);
        return (long)(baseMs * (0.5 + (unitRandom * 0.5)));
    }

    private static int BitLength(long value) => 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value);
}
