namespace Tern.LinkEmulator;

/// <summary>
/// Both directions of an emulated link: <see cref="ToTarget"/> carries what the client sends towards the relay's target,
/// <see cref="FromTarget"/> carries the target's answers back (the downlink when the target is the server).
/// </summary>
public sealed class LinkProfile
{
    /// <summary>Client to target. Defaults to <see cref="DirectionProfile.Unconstrained"/>.</summary>
    public DirectionProfile ToTarget { get; init; } = DirectionProfile.Unconstrained;

    /// <summary>Target to client. Defaults to <see cref="DirectionProfile.Unconstrained"/>.</summary>
    public DirectionProfile FromTarget { get; init; } = DirectionProfile.Unconstrained;

    /// <summary>Seed of the random draws (loss, jitter, duplicates), so a run can be repeated; null seeds from entropy. Defaults to null.</summary>
    public int? Seed { get; init; }

    /// <summary>The same link seen from the other end.</summary>
    public LinkProfile Reversed() => new() { ToTarget = FromTarget, FromTarget = ToTarget, Seed = Seed };
}
