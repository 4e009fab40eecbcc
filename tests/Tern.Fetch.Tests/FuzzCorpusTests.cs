using Tern.Fuzz;

namespace Tern.Fetch.Tests;

/// <summary>
/// Every fuzz target (docs/FUZZING.md) in-process, without afl-fuzz: its seeds from tests/vectors/ and the corpus kept in
/// tests/fuzz-corpus/&lt;target&gt;/ (the campaigns' minimized queues: inputs that each reached new code) keep the
/// parser's contract — no exception but the documented one, no invariant broken, no allocation beyond the target's
/// budget. <c>make fuzz-smoke</c> (part of <c>make test</c>) runs the same targets under afl-fuzz.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seeds_and_the_kept_corpus_keep_the_target_contract(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var runner = new FuzzRunner(target);
        var seeds = target.Seeds(new VectorSeeds(Path.Combine(AppContext.BaseDirectory, "vectors"))).ToList();
        Assert.NotEmpty(seeds);
        foreach (var seed in seeds)
        {
            Run(runner, seed.Name, seed.Data);
        }

        var corpus = Path.Combine(AppContext.BaseDirectory, "fuzz-corpus", name);
        var files = Directory.Exists(corpus) ? Directory.GetFiles(corpus) : [];
        foreach (var file in files)
        {
            Assert.InRange(new FileInfo(file).Length, 0, 4096);
            Run(runner, Path.GetFileName(file), File.ReadAllBytes(file));
        }
    }

    [Fact]
    public void Every_target_has_a_distinct_name_and_says_what_it_covers()
    {
        var targets = FuzzTargets.Create();
        Assert.Equal(targets.Count, targets.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.Covers)));
    }

    [Fact]
    public void A_target_that_breaks_its_contract_is_reported()
    {
        // The runner itself must be able to fail, or a corpus replay proves nothing.
        var runner = new FuzzRunner(new Allocating());
        runner.Execute([1]);
        Assert.Throws<FuzzContractException>(() => runner.Execute(new byte[200]));
    }

    private static void Run(FuzzRunner runner, string input, byte[] data)
    {
        try
        {
            runner.Execute(data);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{runner.Target.Name} broke its contract on {input} ({data.Length} bytes): {ex}");
        }
    }

    /// <summary>Allocates 4 KiB an input byte: over the default budget for any input of more than a few bytes.</summary>
    private sealed class Allocating : IFuzzTarget
    {
        public string Name => "allocating";

        public string Covers => "nothing";

        public void Run(ReadOnlySpan<byte> input) => GC.KeepAlive(new byte[input.Length * 4096]);

        public IEnumerable<Seed> Seeds(VectorSeeds vectors) => [];
    }
}
