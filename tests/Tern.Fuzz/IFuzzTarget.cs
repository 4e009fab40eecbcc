namespace Tern.Fuzz;

/// <summary>
/// One parser of bytes from outside, as afl-fuzz drives it. <see cref="Run"/> holds the parser's contract: it returns
/// for every input, and throws only when the contract is broken (an exception other than the parser's documented one,
/// or a result that breaks an invariant the target checks), which afl-fuzz records as a crash.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name <c>make fuzz</c> and <c>Tern.Fuzz run</c> know the target by (also its corpus folder).</summary>
    string Name { get; }

    /// <summary>What the target reaches, one line (for <c>Tern.Fuzz list</c> and docs/FUZZING.md).</summary>
    string Covers { get; }

    /// <summary>Runs one input through the parser; returns when the parser kept its contract.</summary>
    void Run(ReadOnlySpan<byte> input);

    /// <summary>Seeds: each vector of tests/vectors/ this parser reads, and a few hand-made inputs.</summary>
    IEnumerable<Seed> Seeds(VectorSeeds vectors);

    /// <summary>
    /// Bytes one run may allocate for an input of <paramref name="inputLength"/> bytes; more is an allocation the input
    /// does not bound. Defaults to 64 KiB plus 64 bytes an input byte.
    /// </summary>
    long AllocationBudget(int inputLength) => (64 * 1024) + (64L * inputLength);
}
