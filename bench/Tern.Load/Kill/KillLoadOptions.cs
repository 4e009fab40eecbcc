namespace Tern.Load.Kill;

/// <summary>
/// The kill-under-load run's knobs (<c>make killload</c> sets the full run's; the test in <c>make test</c> a few kill
/// points). Kill <c>i</c> (from 0) falls at a seeded random moment of period <c>i</c>, so the run lasts about
/// <see cref="Kills"/> × <see cref="Period"/> plus the drain, whatever the machine.
/// </summary>
internal sealed class KillLoadOptions
{
    /// <summary>SIGKILLs in the run. Defaults to 24.</summary>
    public int Kills { get; init; } = 24;

    /// <summary>Seed of the kill moments, the victims, the down times, the arrivals and the bodies. Defaults to 18.</summary>
    public int Seed { get; init; } = 18;

    /// <summary>
    /// Each kill's period: the kill falls between 15 % and 60 % into it, the restart and load follow. Defaults to 15 s
    /// (restarts took up to 14 s on a loaded 2-core machine; a kill that a slow restart pushes past the load's end is not made).
    /// </summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest time a killed node stays down before its restart (uniform from zero). Defaults to 1 s.</summary>
    public TimeSpan MaxDownTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Load after the last period, before the drain. Defaults to 5 s.</summary>
    public TimeSpan Tail { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>alice's submits a second (open model, Poisson). Defaults to 20.</summary>
    public double SubmitRate { get; init; } = 20;

    /// <summary>carol's polls of her references a second, and bob's reads of his stored messages a second. Defaults to 5.</summary>
    public double ClientRate { get; init; } = 5;

    /// <summary>A small message's bytes. Defaults to 2048.</summary>
    public int Size { get; init; } = 2048;

    /// <summary>Every how many submits one is large (several chunks, so pulls are cut mid-blob). Defaults to 25; 0 for none.</summary>
    public int LargeEvery { get; init; } = 25;

    /// <summary>A large message's bytes. Defaults to 600 000 (three 256 KiB chunks).</summary>
    public int LargeSize { get; init; } = 600_000;

    /// <summary>The fraction of carol's new references she asks b.example to pull (the rest wait until the drain). Defaults to 0.5.</summary>
    public double PullFraction { get; init; } = 0.5;

    /// <summary>
    /// The senders' longest retransmission interval (<c>Tern:Delivery:MaxRetransmitInterval</c>): the protocol's 3600 s
    /// cut so that what a crash of b.example's pending table loses comes back within the run. Defaults to 5 s.
    /// </summary>
    public TimeSpan MaxRetransmitInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often b.example's pending table is checkpointed (<c>Tern:PendingMaintenance:CheckpointInterval</c>): the
    /// default 5 min cut to the run's scale, so kills fall both before and after checkpoints, as on a node up for days. Defaults to 20 s.
    /// </summary>
    public TimeSpan PendingCheckpointInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long references a crash of b.example lost may take to be filed again by retransmission. Defaults to 30 s.</summary>
    public TimeSpan RefileBound { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after the load stops every acknowledged message may take to be stored at b.example. Defaults to 90 s.</summary>
    public TimeSpan DrainBound { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Where the one-line-a-second progress goes; none when null.</summary>
    public TextWriter? Progress { get; init; } = Console.Out;

    /// <summary>The per-second timeline (CSV), or none.</summary>
    public string? TimelinePath { get; init; }

    /// <summary>The total load, in whole seconds.</summary>
    public TimeSpan LoadDuration => TimeSpan.FromSeconds(Math.Ceiling((Kills * Period + Tail).TotalSeconds));

    /// <summary>The size of submit <paramref name="sequence"/>.</summary>
    public int SizeOf(long sequence) => LargeEvery > 0 && sequence % LargeEvery == LargeEvery - 1 ? LargeSize : Size;

    /// <summary>The node settings the run gives both nodes beside the loopback ones.</summary>
    public Dictionary<string, string> NodeSettings() => new(StringComparer.Ordinal)
    {
        ["Tern:Delivery:MaxRetransmitInterval"] = MaxRetransmitInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["Tern:Pull:RetryBackoff"] = "00:00:01",
        ["Tern:PendingMaintenance:CheckpointInterval"] = PendingCheckpointInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["Tern:Pull:MaxRetryBackoff"] = MaxRetransmitInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Kills);
        ArgumentOutOfRangeException.ThrowIfLessThan(Period, TimeSpan.FromSeconds(2));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SubmitRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ClientRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(Size, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(LargeEvery);
        ArgumentOutOfRangeException.ThrowIfLessThan(LargeSize, 8);
        if (PullFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PullFraction), PullFraction, "from 0 to 1");
        }
    }
}
