using System.Globalization;
using System.Text;
using Tern.Engine.Keys;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Node.Tests;

/// <summary>
/// One domain's data directory as <c>tern init</c> leaves it (the key set in <c>keys/</c>, <c>state/</c>), with a static
/// peers file (<c>peers.json</c>) in place of DNS, and the settings a node on loopback with small stores runs with.
/// </summary>
public sealed class TestDomain : IDisposable
{
    private readonly TempDirectory _directory;

    public TestDomain(string domain)
    {
        Domain = domain;
        _directory = new TempDirectory("node-" + domain);
        using (var keys = DomainKeySet.Generate(domain))
        {
            keys.Save(TernDataDirectory.Keys(DataDirectory));
        }

        Directory.CreateDirectory(TernDataDirectory.State(DataDirectory));
        WritePeers();
    }

    public string Domain { get; }

    public string DataDirectory => _directory.Path;

    public string PeersFile => Path.Combine(DataDirectory, "peers.json");

    /// <summary>The settings of a node of this domain on loopback: ports 0, plain-text doors, small stores, short drain.</summary>
    public Dictionary<string, string?> Settings(params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Tern:Node:Domain"] = Domain,
            ["Tern:Node:DataDirectory"] = DataDirectory,
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Admin:Listen"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = "false",
            ["Tern:Node:AllowPlainTextFetchOnLoopback"] = "true",
            ["Tern:Node:DrainTimeout"] = "00:00:01",
            ["Tern:Node:PullPreference"] = "Immediately",
            ["Tern:Node:ShutdownTimeout"] = "00:00:15",
            ["Tern:Discovery:DnsEnabled"] = "false",
            ["Tern:Discovery:StaticPeersFile"] = "peers.json",
            ["Tern:Transit:ChunkSize"] = "16384",
            ["Tern:Transit:BlobPageSizeBits"] = "16",
            ["Tern:Transit:BlobMemorySizeBits"] = "20",
            ["Tern:Transit:BlobSegmentSizeBits"] = "24",
            ["Tern:Transit:JournalPageSizeBits"] = "19",
            ["Tern:Transit:JournalMemorySizeBits"] = "21",
            ["Tern:Transit:JournalSegmentSizeBits"] = "22",
            ["Tern:Delivery:InitialRetransmitInterval"] = "00:00:00.200",
            ["Tern:Delivery:MaxRetransmitInterval"] = "00:00:01",
            ["Tern:Delivery:TickInterval"] = "00:00:00.010",
            ["Tern:Delivery:PeerRetryInterval"] = "00:00:00.100",
            ["Tern:Pull:AttemptsPerSource"] = "200",
            ["Tern:Pull:RetryDelay"] = "00:00:00.100",
        };
        foreach (var (key, value) in TernSmallFootprint.PendingSettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same settings as <c>tern run</c> switches (<c>--Tern:Node:Domain a.example</c> …).</summary>
    public List<string> Switches(params (string Key, string? Value)[] overrides)
    {
        // `tern run` adds the client API, whose default port (127.0.0.1:7480) two process tests running at once would
        // both take: each gets a free one unless the test says otherwise.
        var switches = overrides.Any(o => o.Key == "Tern:ClientApi:Listen") ? new List<string>() : ["--Tern:ClientApi:Listen", "127.0.0.1:0"];
        foreach (var (key, value) in Settings(overrides))
        {
            if (value is not null)
            {
                switches.Add("--" + key);
                switches.Add(value);
            }
        }

        return switches;
    }

    /// <summary>Writes <c>peers.json</c> listing each peer's descriptor (signed with its keys), reachable at the given notify endpoint.</summary>
    public void WritePeers(params (TestDomain Peer, string Notify)[] peers)
    {
        var json = new StringBuilder("{\"peers\": [");
        for (var i = 0; i < peers.Length; i++)
        {
            var (peer, notify) = peers[i];
            using var keys = DomainKeySet.Load(TernDataDirectory.Keys(peer.DataDirectory));
            var document = SignedDescriptor.Sign(DomainDescriptor.For(keys, [notify], [], TimeSpan.FromDays(1)), keys);
            var file = peer.Domain + ".tern";
            File.WriteAllBytes(Path.Combine(DataDirectory, file), document);
            json.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}{{\"domain\": \"{peer.Domain}\", \"descriptor\": \"{file}\"}}");
        }

        File.WriteAllText(PeersFile, json.Append("]}").ToString());
    }

    public void Dispose() => _directory.Dispose();
}
