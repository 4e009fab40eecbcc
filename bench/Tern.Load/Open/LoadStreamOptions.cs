namespace Tern.Load.Open;

/// <summary>One open-model stream of a run: what it is called, its arrival rate and the client's bounds.</summary>
internal sealed class LoadStreamOptions
{
    /// <summary>The stream's name in reports and the timeline (<c>fetch-http</c>). Required.</summary>
    public required string Name { get; init; }

    /// <summary>Intended sends per second. Required.</summary>
    public required double Rate { get; init; }

    /// <summary>How sends are spaced. Defaults to <see cref="ArrivalKind.Poisson"/>.</summary>
    public ArrivalKind Arrival { get; init; } = ArrivalKind.Poisson;

    /// <summary>Connections (lanes), each carrying one operation at a time. Defaults to 16.</summary>
    public int Lanes { get; init; } = 16;

    /// <summary>
    /// Most operations due but not finished, queued for a lane included. A send due while this many are in flight is
    /// dropped and counted, not queued without end. Defaults to 4096.
    /// </summary>
    public int MaxInFlight { get; init; } = 4096;

    /// <summary>Deadline of one operation from the moment a lane starts it; past it the operation counts as a <c>timeout</c>. Defaults to 5 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A send started later than this after its due time counts as late. Defaults to 1 ms.</summary>
    public TimeSpan LateThreshold { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Rate, nameof(Rate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Lanes, nameof(Lanes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInFlight, Lanes, nameof(MaxInFlight));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
    }
}
