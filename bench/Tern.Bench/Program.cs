using BenchmarkDotNet.Running;
using Tern.Bench;

// `keycost [count]` measures holding a key per peer (KeyCost); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "keycost")
{
    return KeyCost.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
return 0;
