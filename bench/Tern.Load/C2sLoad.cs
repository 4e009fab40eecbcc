using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tern.ClientApi.Users;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Load.Nodes;

namespace Tern.Load;

/// <summary>
/// C2S submit capacity through a node process: <c>tern run</c> started as a child on a data directory written here
/// (a.example, the client API on loopback, one user), and wrk posting <c>size</c>-byte messages to one recipient at
/// b.example with the user's bearer token over <c>concurrency</c> connections. Each answer comes after the transit store's
/// group commit; each message is scheduled for a notification to b.example, a UDP port of this process that is never
/// read (the kernel drops what overflows). The node's CPU per submit comes from /proc over the measured seconds;
/// compare with <see cref="TransitLoad.SubmitAsync"/>, the bare store in its own process, run beside it by bench/run-c2s.sh.
/// </summary>
internal static class C2sLoad
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);

    /// <summary>
    /// With <paramref name="batch"/> 0 each request is one message (<c>POST /v1/messages</c>); else each request is a batch
    /// of that many messages (<c>POST /v1/messages/batch</c>, JSON, bench/c2s-batch.lua), and the per-message figures divide by it.
    /// </summary>
    public static async Task SubmitAsync(string directory, int seconds, int concurrency, int size, string ternDll, string script, int batch = 0)
    {
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var node = Path.Combine(directory, "a.example");
        var peer = Path.Combine(directory, "b.example-keys");
        NodeDataDirectory.Create(node, "a.example", new Dictionary<string, string>
        {
            // One notification per message within the run: retransmissions (2 s, doubling) would add notifications of
            // earlier rounds' messages to the submits measured here.
            ["Tern:Delivery:InitialRetransmitInterval"] = "01:00:00",
        });
        using (var keys = DomainKeySet.Generate("b.example"))
        {
            keys.Save(peer);
        }

        NodeDataDirectory.WritePeers(node, [("b.example", peer, sink.LocalEndPoint!.ToString()!)]);
        var token = UserDirectory.Open(node).Add("load", "load@a.example").Token;

        await using var child = await NodeChild.StartAsync(ternDll, node).ConfigureAwait(false);
        // Idle: started, the client API listening, nothing asked of it yet.
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        var idle = ProcStat.Rss(child.ProcessId).Now;
        var to = $"{RecipientHash.NewRandom()}@b.example";
        var url = batch == 0 ? $"http://{child.Ports.ClientApi}/v1/messages?to={to}" : $"http://{child.Ports.ClientApi}/v1/messages/batch";
        var environment = new Dictionary<string, string> { ["C2S_TO"] = to, ["C2S_BATCH"] = batch.ToString(CultureInfo.InvariantCulture) };
        var result = await WrkLoad.RunAsync(child.ProcessId, url, script, concurrency, size, token, Warmup, seconds, environment).ConfigureAwait(false);
        var (loaded, peak) = ProcStat.Rss(child.ProcessId);
        var perMessage = Math.Max(batch, 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {result.Format()} messages={result.Requests * perMessage} messages_per_second={result.PerSecond * perMessage:F0} cpu_us_per_message={result.CpuUsPerRequest / perMessage:F1} client_cpu_us_per_message={result.ClientCpuUsPerRequest / perMessage:F1} rss_idle_mb={idle:F0} rss_loaded_mb={loaded:F0} rss_peak_mb={peak:F0}"));
    }
}
