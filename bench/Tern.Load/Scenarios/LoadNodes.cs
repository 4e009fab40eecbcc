using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Tern.ClientApi.Users;
using Tern.Load.Nodes;
using Tern.Node;

namespace Tern.Load.Scenarios;

/// <summary>
/// The two <c>tern run</c> processes a scenario loads: a.example (alice sends from it) and b.example (bob receives at
/// it), each on a data directory written for loopback (<see cref="NodeDataDirectory"/>) with a static peers file naming
/// the other, the HTTP fetch door on beside the framed one, stopped with SIGTERM.
/// </summary>
internal sealed class LoadNodes : IAsyncDisposable
{
    private LoadNodes(NodeChild a, NodeChild b, string directoryA, string directoryB, string aliceToken, string bobToken, IReadOnlyDictionary<string, string> tokensA)
    {
        TokensA = tokensA;
        A = a;
        B = b;
        DirectoryA = directoryA;
        DirectoryB = directoryB;
        AliceToken = aliceToken;
        BobToken = bobToken;
    }

    public NodeChild A { get; }

    public NodeChild B { get; }

    public string DirectoryA { get; }

    public string DirectoryB { get; }

    public string AliceToken { get; }

    public string BobToken { get; }

    /// <summary>Tokens of the further users of a.example, by name.</summary>
    public IReadOnlyDictionary<string, string> TokensA { get; }

    /// <summary>The nodes' names and process ids, for the CPU columns.</summary>
    public IReadOnlyList<(string Name, int ProcessId)> Processes => [("a.example", A.ProcessId), ("b.example", B.ProcessId)];

    /// <summary>
    /// Writes both data directories under <paramref name="directory"/> and starts both nodes; <paramref name="extraA"/> and
    /// <paramref name="extraB"/> override settings, <paramref name="usersA"/> are further users of a.example.
    /// </summary>
    public static async Task<LoadNodes> StartAsync(string directory, string ternDll, IReadOnlyDictionary<string, string> extraA, IReadOnlyDictionary<string, string> extraB, params string[] usersA)
    {
        var a = Path.Combine(directory, "a.example");
        var b = Path.Combine(directory, "b.example");
        // The descriptors name each node's notification port, so both are chosen before the nodes start.
        var (notifyA, notifyB) = (FreeUdpPort(), FreeUdpPort());
        NodeDataDirectory.Create(a, "a.example", Settings(notifyA, extraA));
        NodeDataDirectory.Create(b, "b.example", Settings(notifyB, extraB));
        NodeDataDirectory.WritePeers(a, [("b.example", TernDataDirectory.Keys(b), notifyB)]);
        NodeDataDirectory.WritePeers(b, [("a.example", TernDataDirectory.Keys(a), notifyA)]);
        var aliceToken = UserDirectory.Open(a).Add("alice", "alice@a.example").Token;
        var bobToken = UserDirectory.Open(b).Add("bob", "bob@b.example").Token;
        var tokensA = usersA.ToDictionary(name => name, name => UserDirectory.Open(a).Add(name, name + "@a.example").Token, StringComparer.Ordinal);
        var nodeA = await NodeChild.StartAsync(ternDll, a).ConfigureAwait(false);
        try
        {
            var nodeB = await NodeChild.StartAsync(ternDll, b).ConfigureAwait(false);
            return new LoadNodes(nodeA, nodeB, a, b, aliceToken, bobToken, tokensA);
        }
        catch
        {
            await nodeA.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Pending-table settings for a node that files hundreds of thousands to millions of references (a flood, a campaign):
    /// hash indexes of 32 MiB each instead of the small footprint's tens of KiB, whose overflow chains would otherwise be
    /// what a run measures, and <paramref name="perSenderDomain"/> references allowed per sender domain.
    /// </summary>
    public static Dictionary<string, string> ManyReferences(long perSenderDomain)
    {
        var index = (1L << 25).ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Tern:Pending:RefIndexBytes"] = index,
            ["Tern:Pending:CapabilityIndexBytes"] = index,
            ["Tern:Pending:RecipientIndexBytes"] = index,
            ["Tern:Pending:MaxEntriesPerSenderDomain"] = perSenderDomain.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A client of a node's client API with a user's token; <paramref name="connections"/> bounds its connections.</summary>
    public static HttpClient ClientApi(NodeChild node, string token, int connections) =>
        Client($"http://{node.Ports.ClientApi}", token, connections);

    /// <summary>A client of a node's admin API with its token (<c>keys/admin.token</c>, written when the node started).</summary>
    public static HttpClient Admin(NodeChild node, string dataDirectory) =>
        Client($"http://{node.Ports.Admin}", File.ReadAllText(TernDataDirectory.AdminTokenFile(dataDirectory)).Trim(), 2);

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync().ConfigureAwait(false);
        await A.DisposeAsync().ConfigureAwait(false);
    }

    private static HttpClient Client(string baseAddress, string token, int connections)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = connections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(baseAddress),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static Dictionary<string, string> Settings(string notify, IReadOnlyDictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Tern:Node:NotifyEndpoint"] = notify,
            ["Tern:Node:HttpEndpoint"] = "127.0.0.1:0",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static string FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket.LocalEndPoint!.ToString()!;
    }
}
