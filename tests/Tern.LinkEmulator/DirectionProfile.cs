namespace Tern.LinkEmulator;

/// <summary>
/// One direction of an emulated link. Every span and rate is in the link clock's time: with a
/// <see cref="ScaledTimeProvider"/> at 60×, a delay of 10 minutes takes 10 real seconds and a rate of 2 Mbit/s carries
/// 2 Mbit per scaled second, i.e. 120 Mbit per real second (mind the emulator's ceiling, perf-reports/linkemu.md).
/// </summary>
public sealed class DirectionProfile
{
    /// <summary>An unconstrained direction: no delay, no rate limit, no loss.</summary>
    public static DirectionProfile Unconstrained { get; } = new();

    /// <summary>One-way propagation delay added to every datagram after it leaves the rate limiter. Defaults to zero.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Extra delay drawn uniformly from [0, Jitter] per datagram, on top of <see cref="Delay"/> (never below it); datagrams
    /// may then arrive out of order, as over netem. On TCP the stream stays in order (a later segment waits for an earlier
    /// one). Defaults to zero.
    /// </summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Link rate in bits per (scaled) second; 0 is unlimited. Defaults to 0.</summary>
    public long RateBitsPerSecond { get; init; }

    /// <summary>
    /// Bytes that may wait in front of the rate limiter; a UDP datagram that would exceed it is tail-dropped, a TCP
    /// reader stops reading (backpressure) until the queue drains. Defaults to 1 MiB.
    /// </summary>
    public int QueueLimitBytes { get; init; } = 1024 * 1024;

    /// <summary>How datagrams (UDP) or segments (TCP) are lost. Defaults to <see cref="LossModel.None"/>.</summary>
    public LossModel Loss { get; init; } = LossModel.None;

    /// <summary>Probability that a UDP datagram is delivered twice (the copy a moment later). Defaults to 0.</summary>
    public double DuplicateProbability { get; init; }

    /// <summary>Probability that a UDP datagram is held back by <see cref="ReorderDelay"/> so later ones overtake it. Defaults to 0.</summary>
    public double ReorderProbability { get; init; }

    /// <summary>The extra delay of a reordered UDP datagram. Defaults to 10 ms.</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Periodic blackouts, or null for none. Defaults to null.</summary>
    public PeriodicBlackout? Blackout { get; init; }

    /// <summary>An on/off contact plan, or null for always on. Defaults to null.</summary>
    public ContactWindows? Windows { get; init; }

    /// <summary>
    /// On TCP, the extra delay a lost segment costs: the sender's retransmission timeout, doubled for each further loss in
    /// a row as TCP backs off. Null means twice <see cref="Delay"/> (one round trip on a symmetric link) plus 200 ms
    /// (Linux's minimum RTO). Defaults to null.
    /// </summary>
    public TimeSpan? TcpRetransmissionTimeout { get; init; }

    /// <summary>Largest TCP segment the relay carries at once. Defaults to 1448 bytes (an Ethernet MSS with timestamps).</summary>
    public int TcpSegmentBytes { get; init; } = 1448;
}
