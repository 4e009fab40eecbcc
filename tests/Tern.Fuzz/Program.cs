using SharpFuzz;
using Tern.Fuzz;

// Tern.Fuzz list                              the targets and what each covers
// Tern.Fuzz run <target>                      under afl-fuzz (SharpFuzz's in-process fork server); once on stdin otherwise
// Tern.Fuzz replay <target> <file|dir>...     every input in-process; exit 1 when any breaks the contract
// Tern.Fuzz seeds <vectors-dir> <out-dir>     writes <out-dir>/<target>/<seed> from tests/vectors/ and hand-made seeds
return args switch
{
    ["list"] => List(),
    ["run", var name] => Run(name),
    ["replay", var name, .. var paths] => Replay(name, paths),
    ["seeds", var vectors, var output] => Seeds(vectors, output),
    _ => Usage(),
};

static int List()
{
    foreach (var target in FuzzTargets.Create())
    {
        Console.WriteLine($"{target.Name}\t{target.Covers}");
    }

    return 0;
}

static int Run(string name)
{
    // Nothing instrumented may run before Fuzzer.Run has mapped afl's coverage memory: the instrumented code writes to it.
    FuzzRunner? runner = null;
    var buffer = new byte[1 << 20];
    Fuzzer.Run(stream =>
    {
        runner ??= new FuzzRunner(FuzzTargets.Find(name) ?? throw new ArgumentException($"no fuzz target '{name}'", nameof(name)));
        var length = 0;
        int read;
        while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
        }

        runner.Execute(buffer.AsSpan(0, length));
    });
    return 0;
}

static int Replay(string name, string[] paths)
{
    if (FuzzTargets.Find(name) is not { } target)
    {
        return Unknown(name);
    }

    var runner = new FuzzRunner(target);
    var failures = 0;
    var count = 0;
    foreach (var file in paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]))
    {
        count++;
        try
        {
            runner.Execute(File.ReadAllBytes(file));
        }
#pragma warning disable CA1031 // Replay reports every broken contract, whatever the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failures++;
            Console.Error.WriteLine($"{file}: {ex.GetType().Name}: {ex.Message}");
            Console.Error.WriteLine(ex.StackTrace);
        }
    }

    Console.WriteLine($"{name}: {count} inputs, {failures} broke the contract");
    return failures == 0 ? 0 : 1;
}

static int Seeds(string vectorsDirectory, string output)
{
    var vectors = new VectorSeeds(vectorsDirectory);
    foreach (var target in FuzzTargets.Create())
    {
        var directory = Path.Combine(output, target.Name);
        Directory.CreateDirectory(directory);
        foreach (var seed in target.Seeds(vectors))
        {
            File.WriteAllBytes(Path.Combine(directory, "seed-" + seed.Name), seed.Data);
        }
    }

    return 0;
}

static int Unknown(string name)
{
    Console.Error.WriteLine($"no target '{name}'; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Tern.Fuzz list | run <target> | replay <target> <file|dir>... | seeds <vectors-dir> <out-dir>");
    return 2;
}
