using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Tern.ClientApi.Users;
using Tern.Load.Nodes;
using Tern.Node;

namespace Tern.Load.Kill;

/// <summary>
/// a.example (alice sends from it) and b.example (bob and carol receive at it) as <c>tern run</c> processes that can be
/// killed with SIGKILL and started again on the same data directory. Every listener is on a port chosen once, before the
/// first start, so a restarted node is where it was: the fetch hints in the notifications b.example filed still reach
/// a.example's doors, and the clients' and the admin API's connections find their node again.
/// </summary>
internal sealed class KillNodes : IAsyncDisposable
{
    private readonly string _ternDll;
    private readonly NodeChild?[] _children = new NodeChild?[2];

    private KillNodes(string ternDll, string[] directories, Dictionary<string, string> tokens, string[] clientApi, string[] admin)
    {
        _ternDll = ternDll;
        Directories = directories;
        Tokens = tokens;
        ClientApiAddresses = clientApi;
        AdminAddresses = admin;
    }

    /// <summary>The nodes' names, by index: 0 is a.example, 1 is b.example.</summary>
    public static readonly string[] Names = ["a.example", "b.example"];

    public IReadOnlyList<string> Directories { get; }

    /// <summary>Users' tokens by name: alice at a.example, bob and carol at b.example.</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; }

    public IReadOnlyList<string> ClientApiAddresses { get; }

    public IReadOnlyList<string> AdminAddresses { get; }

    /// <summary>The running process of node <paramref name="index"/>, for the CPU columns and the in-flight snapshot.</summary>
    public int ProcessId(int index) => _children[index] is { } child ? child.ProcessId : 0;

    /// <summary>Writes both data directories under <paramref name="directory"/> with <paramref name="extra"/> settings on each; starts nothing.</summary>
    public static KillNodes Create(string directory, string ternDll, IReadOnlyDictionary<string, string> extra)
    {
        var directories = Names.Select(name => Path.Combine(directory, name)).ToArray();
        var notify = Names.Select(_ => FreePort(SocketType.Dgram, ProtocolType.Udp)).ToArray();
        var clientApi = Names.Select(_ => FreePort(SocketType.Stream, ProtocolType.Tcp)).ToArray();
        var admin = Names.Select(_ => FreePort(SocketType.Stream, ProtocolType.Tcp)).ToArray();
        for (var i = 0; i < Names.Length; i++)
        {
            var settings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Tern:Node:NotifyEndpoint"] = notify[i],
                ["Tern:Node:FramedEndpoint"] = FreePort(SocketType.Stream, ProtocolType.Tcp),
                ["Tern:Node:HttpEndpoint"] = FreePort(SocketType.Stream, ProtocolType.Tcp),
                ["Tern:ClientApi:Listen"] = clientApi[i],
                ["Tern:Admin:Listen"] = admin[i],
            };
            foreach (var (key, value) in extra)
            {
                settings[key] = value;
            }

            NodeDataDirectory.Create(directories[i], Names[i], settings);
        }

        NodeDataDirectory.WritePeers(directories[0], [(Names[1], TernDataDirectory.Keys(directories[1]), notify[1])]);
        NodeDataDirectory.WritePeers(directories[1], [(Names[0], TernDataDirectory.Keys(directories[0]), notify[0])]);
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alice"] = UserDirectory.Open(directories[0]).Add("alice", "alice@a.example").Token,
            ["bob"] = UserDirectory.Open(directories[1]).Add("bob", "bob@b.example").Token,
            ["carol"] = UserDirectory.Open(directories[1]).Add("carol", "carol@b.example").Token,
        };
        return new KillNodes(ternDll, directories, tokens, clientApi, admin);
    }

    /// <summary>Starts node <paramref name="index"/> and returns how long it took from the process's start until it was ready (its <c>state/ports.json</c> written).</summary>
    public async Task<TimeSpan> StartAsync(int index)
    {
        var watch = Stopwatch.StartNew();
        _children[index] = await NodeChild.StartAsync(_ternDll, Directories[index]).ConfigureAwait(false);
        return watch.Elapsed;
    }

    /// <summary>SIGKILL to node <paramref name="index"/>; returns once the process is gone.</summary>
    public async Task KillAsync(int index)
    {
        var child = _children[index] ?? throw new InvalidOperationException($"{Names[index]} is not running");
        await child.KillAsync().ConfigureAwait(false);
        await child.DisposeAsync().ConfigureAwait(false);
        _children[index] = null;
    }

    /// <summary>A client of node <paramref name="index"/>'s client API as <paramref name="user"/>.</summary>
    public HttpClient ClientApi(int index, string user, int connections) => Client(ClientApiAddresses[index], Tokens[user], connections);

    /// <summary>A client of node <paramref name="index"/>'s admin API (its token is written at the first start and kept).</summary>
    public HttpClient Admin(int index) => Client(AdminAddresses[index], File.ReadAllText(TernDataDirectory.AdminTokenFile(Directories[index])).Trim(), 2);

    /// <summary>Bytes of the files in node <paramref name="index"/>'s data directory but its log: the stores, their checkpoints, the message store.</summary>
    public long DiskBytes(int index)
    {
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(Directories[index], "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == "node.log")
            {
                continue;
            }

            try
            {
                total += new FileInfo(file).Length;
            }
            catch (IOException)
            {
                // A log segment freed while it was walked counts nothing.
            }
        }

        return total;
    }

    /// <summary>SIGTERM to whatever runs.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _children.Length - 1; i >= 0; i--)
        {
            if (_children[i] is { } child)
            {
                await child.DisposeAsync().ConfigureAwait(false);
                _children[i] = null;
            }
        }
    }

    private static HttpClient Client(string address, string token, int connections)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = connections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri("http://" + address),
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static string FreePort(SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket.LocalEndPoint!.ToString()!;
    }
}
