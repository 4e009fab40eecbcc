using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;

namespace Tern.Load.E2e;

/// <summary>
/// An A/B of end-to-end latency with both sides up at once (<c>e2e-nodes-ab</c>): two pairs of <c>tern run</c>
/// processes, a base pair and a head pair (each a.example and b.example, as <see cref="NodesE2eLoad"/> starts them, each
/// side its own tern.dll and environment), and the floor, measured in alternating blocks of <see cref="Block"/>
/// messages, one message at a time. A shared machine's drift lands on both sides within seconds of each other instead
/// of minutes, as it did when each side's run started its own nodes after the other's had stopped.
/// </summary>
internal static class PairedE2eLoad
{
    // The warm-up, the blocks and the timeouts of NodesE2eLoad, so the two measure alike.
    private const int Block = NodesE2eLoad.Block;

    public static async Task RunAsync(string directory, int count, int size, string baseTern, string headTern)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        await using var basePair = await Pair.StartAsync(Path.Combine(directory, "base"), baseTern, Environment("E2E_BASE_ENV")).ConfigureAwait(false);
        await using var headPair = await Pair.StartAsync(Path.Combine(directory, "head"), headTern, Environment("E2E_HEAD_ENV")).ConfigureAwait(false);
        using var floor = new FloorPipeline(Path.Combine(directory, "floor"), size, clientHops: true, push: true);
        var content = new byte[size];
        Random.Shared.NextBytes(content);

        var warming = Stopwatch.StartNew();
        for (var i = 0; i < NodesE2eLoad.Warmup || ((basePair.WarmingUp(i) || headPair.WarmingUp(i)) && warming.Elapsed < NodesE2eLoad.MaxJitWarmup); i++)
        {
            basePair.SendOne(content, null);
            headPair.SendOne(content, null);
            floor.RunOne();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"WARMUP messages={basePair.Sent} seconds={warming.Elapsed.TotalSeconds:F1}"));
        var (baseSamples, headSamples, floorSamples) = (new MessageSamples(count), new MessageSamples(count), new MessageSamples(count));
        for (var done = 0; done < count; done += Block)
        {
            var n = Math.Min(Block, count - done);
            for (var i = 0; i < n; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var (submitted, _, _, _, read) = floor.RunOne();
                floorSamples.Add(start, submitted, read);
            }

            // Which pair goes first alternates, so neither always follows the floor's block.
            var (first, second) = (done / Block) % 2 == 0 ? (basePair, headPair) : (headPair, basePair);
            for (var i = 0; i < n; i++)
            {
                first.SendOne(content, first == basePair ? baseSamples : headSamples);
            }

            for (var i = 0; i < n; i++)
            {
                second.SendOne(content, second == basePair ? baseSamples : headSamples);
            }
        }

        var inv = CultureInfo.InvariantCulture;
        foreach (var (name, samples) in new[] { ("BASE", baseSamples), ("HEAD", headSamples), ("BASELINE", floorSamples) })
        {
            var total = samples.Total();
            Console.WriteLine(string.Create(inv, $"{name} {total.Format()} count={total.Count} {samples.Submit().Format("submit")} {samples.Seen().Format("seen")}"));
        }

        Console.WriteLine(string.Create(inv, $"RATIO head_base_p50={headSamples.Total()[50] / baseSamples.Total()[50]:F3} base_floor_p50={baseSamples.Total()[50] / floorSamples.Total()[50]:F2} head_floor_p50={headSamples.Total()[50] / floorSamples.Total()[50]:F2}"));
    }

    /// <summary>KEY=VALUE pairs, space-separated, from the variable <paramref name="name"/>: extra environment for one side's nodes.</summary>
    private static Dictionary<string, string> Environment(string name)
    {
        var pairs = new Dictionary<string, string>();
        foreach (var item in (System.Environment.GetEnvironmentVariable(name) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InvalidOperationException($"{name}: '{item}' is not KEY=VALUE");
            }

            pairs[item[..eq]] = item[(eq + 1)..];
        }

        return pairs;
    }

    /// <summary>One side: its node pair (<see cref="E2eNodePair"/>) and alice's and bob's wire clients.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly E2eNodePair _nodes;
        private readonly WireEnds _ends;

        private Pair(E2eNodePair nodes, WireEnds ends) => (_nodes, _ends) = (nodes, ends);

        public long Sent { get; private set; }

        public static async Task<Pair> StartAsync(string directory, string ternDll, Dictionary<string, string> environment)
        {
            var nodes = await E2eNodePair.StartAsync(directory, ternDll, environment).ConfigureAwait(false);
            var ends = new WireEnds(nodes.A.Ports.ClientApi!, nodes.AliceToken, nodes.B.Ports.ClientApi!, nodes.BobToken, stream: true, NodesE2eLoad.WarmupStepTimeout);
            return new Pair(nodes, ends);
        }

        public void SendOne(byte[] content, MessageSamples? samples)
        {
            var sequence = ++Sent;
            BinaryPrimitives.WriteInt64LittleEndian(content, sequence);
            var timeout = samples is null ? NodesE2eLoad.WarmupStepTimeout : NodesE2eLoad.StepTimeout;
            _ends.SendOne(_nodes.Hash, content, sequence, timeout, samples is null || sequence % Block == 0, samples is null ? null : samples.Add);
        }

        public bool WarmingUp(int sent) => _nodes.WarmingUp(sent);

        public async ValueTask DisposeAsync()
        {
            _ends.Dispose();
            await _nodes.DisposeAsync().ConfigureAwait(false);
        }
    }
}
