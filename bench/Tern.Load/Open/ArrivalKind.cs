namespace Tern.Load.Open;

/// <summary>How an open-model stream spaces its sends on the timeline.</summary>
internal enum ArrivalKind
{
    /// <summary>Evenly: send <c>n</c> is due at <c>n / rate</c>.</summary>
    Constant,

    /// <summary>A Poisson process: exponential gaps of mean <c>1 / rate</c>, drawn from a seeded generator.</summary>
    Poisson,
}
