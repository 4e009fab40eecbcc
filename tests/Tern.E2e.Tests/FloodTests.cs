using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Tern.Cli.Demo;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Node;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 16, "Overload behaviour", in a few seconds: a <c>tern run</c> process takes a flood of forged datagrams (random
/// sender keys from a hundred sources, one hot source, junk) with a legitimate peer's sealed notifications among them. It
/// files every legitimate one, sheds the rest by rate and cold-key budget, accounts for every datagram sent (filed + each
/// drop reason + the kernel's drops), answers HTTP throughout and stops cleanly. The flood is paced on the node's receive
/// queue so that the socket never overflows on a loaded machine: what is tested is the node's shedding and its counting,
/// not the machine's speed (the overload beyond the socket is bench/run-flood.sh's, perf-reports/flood.md).
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class FloodTests
{
    private const int ManySources = 100;
    private const int ForgedFromMany = 10_000;
    private const int ForgedFromHot = 25_000;
    private const int Junk = 2_000;
    private const int Legitimate = 300;
    private const int ForgedLength = 204;
    private const long QueueLimit = 128 * 1024; // well below the smallest buffer a default kernel grants (2 × 212 992)

    [Fact]
    public async Task Under_a_flood_a_node_files_every_legitimate_notification_accounts_for_every_datagram_and_answers_http()
    {
        using var root = new TempDirectory("flood");
        using var node = new DemoNode(Processes.Tern, root.Path, "b.example");
        await node.InitAsync();
        var settings = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = false,
            ["Tern:Node:AllowPlainTextFetchOnLoopback"] = true,
            ["Tern:Node:PullPreference"] = "WhenRequested",
            ["Tern:Node:DrainTimeout"] = "00:00:02",
            ["Tern:ClientApi:Listen"] = "127.0.0.1:0",
            ["Tern:Admin:Listen"] = "127.0.0.1:0",
            // No peers to find: a static peers file with none, no DNS.
            ["Tern:Discovery:DnsEnabled"] = false,
            ["Tern:Discovery:StaticPeersFile"] = "peers.json",
            // The per-source rate scaled down to this test's size, so the hot source is shed by rate however slowly it sends.
            ["Tern:Ingest:DatagramsPerSecondPerSource"] = 1_000,
            ["Tern:Ingest:DatagramBurstPerSource"] = 2_000,
        };
        foreach (var (key, value) in TernSmallFootprint.PendingSettings)
        {
            settings[key] = value;
        }

        node.Configure(settings);
        await File.WriteAllTextAsync(Path.Combine(node.DataDirectory, "peers.json"), "{\"peers\": []}\n");
        await node.StartAsync();
        var port = IPEndPoint.Parse(node.Ports!.Notify);
        using var admin = Exposition.Client(node, Exposition.TokenOf(node));
        using var client = new HttpClient { BaseAddress = node.ClientApi, Timeout = TimeSpan.FromSeconds(30) };
        using var peer = new LegitimatePeer(node);

        // The peer is heard once before the flood: its key is verified and cached when the flood begins.
        peer.Send(port);
        await Eventually.AssertAsync(async () => (await NotifyStatsSnapshot.ReadAsync(admin)).RecordsAccepted == 1);
        var before = await NotifyStatsSnapshot.ReadAsync(admin);

        using var flood = new FloodSources();
        var answered = new HttpAnswers();
        using var done = new CancellationTokenSource();
        var polling = answered.PollAsync(admin, client, done.Token);
        var sent = await Task.Run(() => flood.Send(port, peer));
        await done.CancelAsync();
        await polling;

        // Every datagram sent is read or dropped by the kernel; then each read one is filed or dropped by reason.
        NotifyStatsSnapshot after = null!;
        await Eventually.AssertAsync(async () =>
        {
            after = await NotifyStatsSnapshot.ReadAsync(admin);
            return after.Received + after.KernelDrops - before.Received - before.KernelDrops == sent.Total;
        }, TimeSpan.FromSeconds(30));

        var filed = after.RecordsAccepted - before.RecordsAccepted;
        var dropped = after.TotalDrops - before.TotalDrops;
        var kernel = after.KernelDrops - before.KernelDrops;
        Assert.Equal(Legitimate, sent.Legitimate);
        Assert.Equal(sent.Legitimate, filed);
        Assert.Equal(sent.Legitimate, after.PendingReferences - before.PendingReferences);
        Assert.Equal(sent.Total, filed + dropped + kernel);
        Assert.Equal(0, after.DeliveryFailures - before.DeliveryFailures);

        // Shed by rate (the hot source) and by the cold-key budget (a forged key a source may not spend another agreement on).
        Assert.True(after.Drop("over_rate") - before.Drop("over_rate") > 0);
        Assert.True(after.Drop("cold_key_budget") - before.Drop("cold_key_budget") > 0);
        Assert.Equal(Junk, after.Drop("too_short") - before.Drop("too_short"));

        // HTTP answered during the flood and after it, and the process stops as it should (exit 0 on SIGTERM).
        Assert.True(answered.Admin > 0 && answered.ClientApi > 0, $"answers during the flood: admin {answered.Admin}, client API {answered.ClientApi}");
        Assert.Equal(0, answered.Failures);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/admin/v1/health/live", UriKind.Relative))).StatusCode);
        Assert.False(node.Process!.HasExited);
        await node.StopAsync();
    }

    /// <summary>A peer of its own key set sealing one-record notifications to the node's key, from 127.0.0.2.</summary>
    private sealed class LegitimatePeer : IDisposable
    {
        private readonly DomainKeySet _keys = DomainKeySet.Generate("legit.example");
        private readonly byte[] _sendKey = new byte[NotificationKey.Size];
        private readonly Socket _socket = Bound(IPAddress.Parse("127.0.0.2"));

        public LegitimatePeer(DemoNode node)
        {
            using var receiver = DomainKeySet.Load(TernDataDirectory.Keys(node.DataDirectory));
            Assert.True(NotificationKey.TryDeriveSending(_keys, receiver.AgreementPublicKey, _sendKey));
        }

        public void Send(IPEndPoint port)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var buffer = new byte[NotificationLimits.MaxDatagramSize];
            var writer = new DatagramWriter(buffer, DatagramType.Notification, _keys.AgreementPublicKey, now);
            Assert.True(writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), now + 3_600_000, 10, Bytes32.Random(), 1,
                NotificationFlags.None, "legit.example"u8, default, default)));
            _socket.SendTo(buffer.AsSpan(0, writer.Seal(_sendKey)), port);
        }

        public void Dispose()
        {
            _socket.Dispose();
            _keys.Dispose();
        }
    }

    /// <summary>The flood's sockets: a hundred forging sources, one hot source, one sending junk.</summary>
    private sealed class FloodSources : IDisposable
    {
        private readonly Socket[] _many = [.. Enumerable.Range(1, ManySources).Select(i => Bound(IPAddress.Parse($"127.100.0.{i}")))];
        private readonly Socket _hot = Bound(IPAddress.Parse("127.101.0.1"));
        private readonly Socket _junk = Bound(IPAddress.Parse("127.102.0.1"));
        private readonly Random _random = new(16);

        /// <summary>Sends every stream, evenly interleaved, pausing while the node's receive queue is above <see cref="QueueLimit"/>.</summary>
        public (long Total, int Legitimate) Send(IPEndPoint port, LegitimatePeer peer)
        {
            var forged = new byte[ForgedLength];
            var junk = new byte[3];
            int[] counts = [ForgedFromMany, ForgedFromHot, Junk, Legitimate];
            var sent = new int[counts.Length];
            var total = counts.Sum();
            long all = 0;
            for (var step = 1; step <= total; step++)
            {
                for (var stream = 0; stream < counts.Length; stream++)
                {
                    while (sent[stream] < (long)counts[stream] * step / total)
                    {
                        switch (stream)
                        {
                            case 0:
                                _many[sent[0] % ManySources].SendTo(Forge(forged), port);
                                break;
                            case 1:
                                _hot.SendTo(Forge(forged), port);
                                break;
                            case 2:
                                _random.NextBytes(junk);
                                _junk.SendTo(junk, port);
                                break;
                            default:
                                peer.Send(port);
                                break;
                        }

                        sent[stream]++;
                        if (++all % 64 == 0)
                        {
                            WhileQueueFull(port.Port);
                        }
                    }
                }
            }

            return (all, sent[3]);
        }

        public void Dispose()
        {
            foreach (var socket in _many)
            {
                socket.Dispose();
            }

            _hot.Dispose();
            _junk.Dispose();
        }

        /// <summary>A well-shaped notification under a fresh random sender key, with no valid tag.</summary>
        private byte[] Forge(byte[] forged)
        {
            _random.NextBytes(forged);
            forged[0] = NotificationLimits.Version;
            forged[1] = (byte)DatagramType.Notification;
            return forged;
        }

        private static void WhileQueueFull(int port)
        {
            while (PortQueue.Of(port) is { Queued: > QueueLimit })
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>HTTP requests answered while the flood runs: the admin API's liveness and stats, the client API's capabilities.</summary>
    private sealed class HttpAnswers
    {
        public int Admin { get; private set; }

        public int ClientApi { get; private set; }

        public int Failures { get; private set; }

        public async Task PollAsync(HttpClient admin, HttpClient client, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                using (var live = await admin.GetAsync(new Uri("/admin/v1/stats", UriKind.Relative), CancellationToken.None))
                {
                    Count(live.IsSuccessStatusCode, () => Admin++);
                }

                using (var capabilities = await client.GetAsync(new Uri("/v1/capabilities", UriKind.Relative), CancellationToken.None))
                {
                    Count(capabilities.IsSuccessStatusCode, () => ClientApi++);
                }

                await Task.Delay(20, CancellationToken.None);
            }
        }

        private void Count(bool success, Action answered)
        {
            if (success)
            {
                answered();
            }
            else
            {
                Failures++;
            }
        }
    }

    private static Socket Bound(IPAddress address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }
}
