namespace Tern.Fuzz;

/// <summary>
/// Runs inputs through a target with the checks every target shares: the allocation budget, measured on the calling
/// thread (the parsers run synchronously on it). The first run of a target warms it up outside the budget, since static
/// initialization and first-call caches allocate once, not per input.
/// </summary>
public sealed class FuzzRunner
{
    private readonly IFuzzTarget _target;
    private bool _warm;

    /// <summary>Creates a runner for <paramref name="target"/>.</summary>
    public FuzzRunner(IFuzzTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
    }

    /// <summary>The target.</summary>
    public IFuzzTarget Target => _target;

    /// <summary>Runs one input; throws when the target breaks its contract.</summary>
    public void Execute(ReadOnlySpan<byte> input)
    {
        if (!_warm)
        {
            _target.Run(input);
            _warm = true;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        _target.Run(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var budget = _target.AllocationBudget(input.Length);
        if (allocated > budget)
        {
            throw new FuzzContractException($"{_target.Name}: {allocated} bytes allocated for an input of {input.Length} bytes; the budget is {budget}.");
        }
    }
}
