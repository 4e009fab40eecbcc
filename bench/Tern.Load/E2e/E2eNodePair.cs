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
/// a.example and b.example as two <c>tern run</c> children on loopback, each on a data directory written here (static
/// peers files in place of DNS): alice a user of a.example, bob of b.example, bob's hash registered and his preference
/// for a.example set to pull immediately, through b.example's client API.
/// </summary>
internal sealed class E2eNodePair : IAsyncDisposable
{
    private E2eNodePair(NodeChild a, NodeChild b, string aliceToken, string bobToken, string hash)
    {
        (A, B, AliceToken, BobToken, Hash) = (a, b, aliceToken, bobToken, hash);
    }

    public NodeChild A { get; }

    public NodeChild B { get; }

    public string AliceToken { get; }

    public string BobToken { get; }

    /// <summary>bob's recipient hash, registered at b.example.</summary>
    public string Hash { get; }

    /// <param name="directory">Where the two data directories are written.</param>
    /// <param name="ternDll">The <c>tern.dll</c> both nodes run.</param>
    /// <param name="environment">Extra environment for both nodes' processes, if any.</param>
    public static async Task<E2eNodePair> StartAsync(string directory, string ternDll, IReadOnlyDictionary<string, string>? environment = null)
    {
        var a = Path.Combine(directory, "a.example");
        var b = Path.Combine(directory, "b.example");

        // The descriptors name each node's notification port, so both are chosen before the nodes start.
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
        using var bob = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://{nodeB.Ports.ClientApi}") };
        bob.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bobToken);
        using (var registered = await bob.PutAsync($"/v1/hashes/{hash}", null).ConfigureAwait(false))
        {
            registered.EnsureSuccessStatusCode();
        }

        using (var preference = new StringContent("{\"pull\":\"immediately\"}", Encoding.UTF8, "application/json"))
        using (var set = await bob.PutAsync("/v1/preferences/a.example", preference).ConfigureAwait(false))
        {
            set.EnsureSuccessStatusCode();
        }

        return new E2eNodePair(nodeA, nodeB, aliceToken, bobToken, hash);
    }

    /// <summary>Whether either node still tiers up, looked at every 50 messages (a look reads every thread's name).</summary>
    public bool WarmingUp(int sent) => sent % 50 != 0 || ProcStat.Tiering(A.ProcessId) || ProcStat.Tiering(B.ProcessId);

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync().ConfigureAwait(false);
        await A.DisposeAsync().ConfigureAwait(false);
    }

    private static string FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket.LocalEndPoint!.ToString()!;
    }
}
