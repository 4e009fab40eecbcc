using System.Net;
using System.Net.Sockets;
using Tern.Transports.Udp;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// The batched sender, with and without UDP GSO: runs to one peer may leave as one segmented send, but every peer
/// receives exactly the datagrams queued for it, each whole and separate, in order.
/// </summary>
public sealed class UdpDatagramSenderTests
{
    /// <summary>A size no datagram of the plan has.</summary>
    private static readonly byte[] Marker = "end of batch"u8.ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Mixed_sizes_and_peers_arrive_as_the_same_separate_datagrams(bool segmentation)
    {
        using var first = Receiver();
        using var second = Receiver();
        using var sender = new UdpDatagramSender(batch: 64, segmentation: segmentation);
        var peers = new[] { PeerAddress.From((IPEndPoint)first.LocalEndPoint!), PeerAddress.From((IPEndPoint)second.LocalEndPoint!) };
        var expected = new[] { new List<byte[]>(), new List<byte[]>() };
        var random = new Random(11);

        // Runs of equal sizes to one peer (segmentable), a shorter datagram ending a run, a longer one breaking it,
        // runs longer than one send may hold, and peers alternating.
        var plan = new List<(int Peer, int Size)>();
        plan.AddRange(Enumerable.Repeat((0, 223), 40));
        plan.Add((0, 100));
        plan.AddRange(Enumerable.Repeat((0, 1200), 70));
        plan.Add((0, 1201 - 1));
        plan.Add((1, 50));
        plan.AddRange(Enumerable.Range(0, 30).Select(i => (i % 2, 300)));
        plan.AddRange(Enumerable.Repeat((1, 700), 10));
        plan.Add((1, 900));
        foreach (var (peer, size) in plan)
        {
            var datagram = new byte[size];
            random.NextBytes(datagram);
            expected[peer].Add(datagram);
            sender.Enqueue(datagram, peers[peer]);
        }

        sender.Flush();

        Assert.Equal(plan.Count, sender.Sent);
        Assert.Equal(0, sender.Failed);
        Assert.Equal(segmentation, sender.Segmenting);
        if (segmentation)
        {
            // Linux 4.18+ has UDP GSO; the machines this runs on do.
            Assert.True(sender.SendCalls < plan.Count / 8, $"{sender.SendCalls} send calls for {plan.Count} datagrams");
        }

        // A marker sent last to each peer arrives last (one socket to one peer keeps its order): whatever came before it
        // is all the batch delivered, with nothing to wait out.
        foreach (var peer in peers)
        {
            sender.Enqueue(Marker, peer);
        }

        sender.Flush();
        Assert.Equal(expected[0], await ReceiveUntilMarkerAsync(first));
        Assert.Equal(expected[1], await ReceiveUntilMarkerAsync(second));
    }

    private static Socket Receiver()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Receives datagrams until <see cref="Marker"/>; returns those before it.</summary>
    private static async Task<List<byte[]>> ReceiveUntilMarkerAsync(Socket socket)
    {
        var received = new List<byte[]>();
        var buffer = new byte[70_000];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (buffer.AsSpan(0, n).SequenceEqual(Marker))
            {
                Assert.Equal(0, socket.Available);
                return received;
            }

            received.Add(buffer[..n]);
        }
    }
}
