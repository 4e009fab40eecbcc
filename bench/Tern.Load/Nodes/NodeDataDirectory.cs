using System.Text.Json.Nodes;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;

namespace Tern.Load.Nodes;

/// <summary>
/// A node's data directory as <c>tern init</c> leaves it (the key set in <c>keys/</c>, <c>state/</c>) for a node on
/// loopback: <c>appsettings.json</c> with every listener on port 0 and plain-text doors, DNS off, and a static peers file
/// (<c>peers.json</c>) naming each peer's signed descriptor at its notification endpoint. The benchmarks start
/// <c>tern run --data-dir</c> on it, as an operator would.
/// </summary>
internal static class NodeDataDirectory
{
    /// <summary>Creates the directory, a new key set for <paramref name="domain"/> and its settings.</summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="domain">The node's domain.</param>
    /// <param name="extra">Settings beside the loopback ones (<c>Tern:Section:Key</c> → value), overriding them.</param>
    /// <param name="references">
    /// About how many references the node's pending table will hold (filed, and tombstones for 720 s after each pull),
    /// so it is sized to hold them in memory as an operator would size it; 0: the small sizes of the demo and the tests.
    /// </param>
    public static void Create(string directory, string domain, IReadOnlyDictionary<string, string> extra, long references = 0)
    {
        Directory.CreateDirectory(TernDataDirectory.State(directory));
        using (var keys = DomainKeySet.Generate(domain))
        {
            keys.Save(TernDataDirectory.Keys(directory));
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Tern:Node:Domain"] = domain,
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = "false",
            ["Tern:Node:AllowPlainTextFetchOnLoopback"] = "true",
            ["Tern:Node:DrainTimeout"] = "00:00:02",
            ["Tern:Discovery:DnsEnabled"] = "false",
            ["Tern:Discovery:StaticPeersFile"] = "peers.json",
            ["Tern:ClientApi:Listen"] = "127.0.0.1:0",
            ["Tern:Admin:Listen"] = "127.0.0.1:0",
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("TERN_BENCH_LOG_LEVEL") ?? "Warning",
        };

        // The pending table sized for what the benchmark files (the defaults reserve 1.1 GiB of indexes for 100M
        // references): undersized, every insert and lookup walks overflow buckets and reads records back from disk,
        // and the benchmark would measure that instead of the node.
        var pending = references > 0 ? TernSmallFootprint.PendingSettingsFor(references) : TernSmallFootprint.PendingSettings;
        foreach (var (key, value) in pending)
        {
            settings[key] = value!;
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var root = new JsonObject();
        foreach (var (key, value) in settings)
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                node = node[part] as JsonObject ?? (JsonObject)(node[part] = new JsonObject());
            }

            node[parts[^1]] = value;
        }

        File.WriteAllText(Path.Combine(directory, TernDataDirectory.SettingsFileName), root.ToJsonString());
        WritePeers(directory, []);
    }

    /// <summary>Writes <c>peers.json</c>: each peer's descriptor, signed with its key set, listing its notification endpoint (<c>address:port</c>).</summary>
    public static void WritePeers(string directory, IReadOnlyList<(string Domain, string KeysDirectory, string Notify)> peers)
    {
        var list = new JsonArray();
        foreach (var (domain, keysDirectory, notify) in peers)
        {
            using var keys = DomainKeySet.Load(keysDirectory);
            var file = domain + ".tern";
            File.WriteAllBytes(Path.Combine(directory, file), SignedDescriptor.Sign(DomainDescriptor.For(keys, ["udp://" + notify], [], TimeSpan.FromDays(7)), keys));
            list.Add(new JsonObject { ["domain"] = domain, ["descriptor"] = file });
        }

        File.WriteAllText(Path.Combine(directory, "peers.json"), new JsonObject { ["peers"] = list }.ToJsonString());
    }
}
