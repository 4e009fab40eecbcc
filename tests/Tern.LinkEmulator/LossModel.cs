namespace Tern.LinkEmulator;

/// <summary>
/// How a link loses datagrams: none, independently with probability p (Bernoulli), or in bursts by the
/// Gilbert–Elliott two-state chain (good → bad with probability p per datagram, bad → good with q, so a bad spell lasts
/// 1/q datagrams on average; a datagram is lost with <see cref="LossInGood"/> in the good state and
/// <see cref="LossInBad"/> in the bad one). Bernoulli is Gilbert–Elliott that never leaves the good state. A chain
/// <see cref="ClockedByLink"/> also steps through the time its link sat idle.
/// </summary>
public sealed class LossModel
{
    private LossModel(double p, double q, double lossInGood, double lossInBad, bool clockedByLink = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lossInGood, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lossInGood, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lossInBad, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lossInBad, 1);
        P = p;
        Q = q;
        LossInGood = lossInGood;
        LossInBad = lossInBad;
        ClockedByLink = clockedByLink;
    }

    /// <summary>A link that loses nothing.</summary>
    public static LossModel None { get; } = new(0, 1, 0, 0);

    /// <summary>Probability of moving from the good state to the bad one, drawn per datagram.</summary>
    public double P { get; }

    /// <summary>Probability of moving from the bad state back to the good one, drawn per datagram.</summary>
    public double Q { get; }

    /// <summary>Loss probability in the good state.</summary>
    public double LossInGood { get; }

    /// <summary>Loss probability in the bad state.</summary>
    public double LossInBad { get; }

    /// <summary>
    /// Whether the chain also steps once for each datagram the link could have carried while it sat idle (on a link with a
    /// rate), so a bad spell lasts 1/q datagram times of the link, a fade in time, rather than 1/q datagrams of whatever
    /// flow crosses it: without it a sparse flow (a sender's checkpoint repeated each round trip) meets one bad spell for
    /// seconds. Per offered datagram, as netem's gemodel, when false.
    /// </summary>
    public bool ClockedByLink { get; }

    /// <summary>Whether this model ever loses anything.</summary>
    public bool IsLossless => LossInGood == 0 && (P == 0 || LossInBad == 0);

    /// <summary>Each datagram lost independently with probability <paramref name="probability"/>.</summary>
    public static LossModel Bernoulli(double probability) => new(0, 1, probability, 0);

    /// <summary>
    /// Gilbert–Elliott bursts: good → bad with <paramref name="p"/>, bad → good with <paramref name="q"/>; by default
    /// nothing is lost in the good state and everything in the bad one (the simple Gilbert model), and the chain steps per
    /// offered datagram unless <paramref name="clockedByLink"/> (<see cref="ClockedByLink"/>).
    /// </summary>
    public static LossModel GilbertElliott(double p, double q, double lossInGood = 0, double lossInBad = 1, bool clockedByLink = false) =>
        new(p, q, lossInGood, lossInBad, clockedByLink);

    /// <inheritdoc/>
    public override string ToString() =>
        P == 0 ? $"Bernoulli({LossInGood})" : $"GilbertElliott(p={P}, q={Q}, good={LossInGood}, bad={LossInBad}{(ClockedByLink ? ", clocked by the link" : "")})";
}
