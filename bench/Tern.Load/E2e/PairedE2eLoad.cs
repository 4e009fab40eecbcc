using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Tern.ClientApi.Users;
using Tern.Engine.Protocol;
using Tern.Load.Nodes;
using Tern.Node;

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
    private const int Warmup = 200;
    private const int Block = 250;
    private static readonly TimeSpan MaxJitWarmup = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmupStepTimeout = TimeSpan.FromSeconds(60);

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
        for (var i = 0; i < Warmup || ((basePair.WarmingUp(i) || headPair.WarmingUp(i)) && warming.Elapsed < MaxJitWarmup); i++)
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

    /// <summary>a.example and b.example of one side, alice's and bob's wire clients, bob's hash and preference set.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly NodeChild _a;
        private readonly NodeChild _b;
        private readonly WireEnds _ends;
        private readonly string _hash;

        private Pair(NodeChild a, NodeChild b, WireEnds ends, string hash)
        {
            (_a, _b, _ends, _hash) = (a, b, ends, hash);
        }

        public long Sent { get; private set; }

        public static async Task<Pair> StartAsync(string directory, string ternDll, Dictionary<string, string> environment)
        {
            var a = Path.Combine(directory, "a.example");
            var b = Path.Combine(directory, "b.example");
            var (notifyA, notifyB) = (FreeUdpPort(), FreeUdpPort());
            NodeDataDirectory.Create(a, "a.example", new Dictionary<string, string> { ["Tern:Node:NotifyEndpoint"] = notifyA });
            NodeDataDirectory.Create(b, "b.example", new Dictionary<string, string> { ["Tern:Node:NotifyEndpoint"] = notifyB });
            NodeDataDirectory.WritePeers(a, [("b.example", TernDataDirectory.Keys(b), notifyB)]);
            NodeDataDirectory.WritePeers(b, [("a.example", TernDataDirectory.Keys(a), notifyA)]);
            var aliceToken = UserDirectory.Open(a).Add("alice", "alice@a.example").Token;
            var bobToken = UserDirectory.Open(b).Add("bob", "bob@b.example").Token;
            var nodeA = await NodeChild.StartAsync(ternDll, a, environment).ConfigureAwait(false);
            var nodeB = await NodeChild.StartAsync(ternDll, b, environment).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);

            var hash = RecipientHash.NewRandom().ToString();
            using (var bob = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://{nodeB.Ports.ClientApi}") })
            {
                bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bobToken);
                (await bob.PutAsync($"/v1/hashes/{hash}", null).ConfigureAwait(false)).EnsureSuccessStatusCode();
                using var preference = new StringContent("{\"pull\":\"immediately\"}", Encoding.UTF8, "application/json");
                (await bob.PutAsync("/v1/preferences/a.example", preference).ConfigureAwait(false)).EnsureSuccessStatusCode();
            }

            var ends = new WireEnds(nodeA.Ports.ClientApi!, aliceToken, nodeB.Ports.ClientApi!, bobToken, stream: true, WarmupStepTimeout);
            return new Pair(nodeA, nodeB, ends, hash);
        }

        public void SendOne(byte[] content, MessageSamples? samples)
        {
            var sequence = ++Sent;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(content, sequence);
            _ends.SendOne(_hash, content, sequence, samples is null ? WarmupStepTimeout : StepTimeout, samples is null || sequence % Block == 0, samples is null ? null : samples.Add);
        }

        /// <summary>Whether either node still tiers up, looked at every 50 messages.</summary>
        public bool WarmingUp(int sent) => sent % 50 != 0 || ProcStat.Tiering(_a.ProcessId) || ProcStat.Tiering(_b.ProcessId);

        public async ValueTask DisposeAsync()
        {
            _ends.Dispose();
            await _b.DisposeAsync().ConfigureAwait(false);
            await _a.DisposeAsync().ConfigureAwait(false);
        }

        private static string FreeUdpPort()
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket.LocalEndPoint!.ToString()!;
        }
    }
}
