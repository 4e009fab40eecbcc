using BenchmarkDotNet.Running;
using Tern.Bench;

BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
