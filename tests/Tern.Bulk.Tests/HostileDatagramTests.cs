using System.Net;
using System.Net.Sockets;
using Tern.Engine.Bulk;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;

namespace Tern.Bulk.Tests;

/// <summary>
/// Stray and hostile datagrams at both gateways' bulk ports while a real session runs (docs/PROTOCOL.md §17.2): dropped
/// and counted, never answered except as §17.2 says, never a crash; the session still ends with its receipt.
/// </summary>
public sealed class HostileDatagramTests
{
    [Fact]
    public async Task Garbage_forged_sessions_and_a_forged_receipt_are_dropped_and_the_session_completes()
    {
        DroppingSink? sink = null;
        await using var pair = await GatewayPair.StartAsync(
            LinkProfiles.Clean(TimeSpan.FromMilliseconds(50)),
            receiver: o => o.MaxSessions = 4,
            wrapReceiverSink: inner => sink = new DroppingSink(inner, (_, _) => false));
        var offered = await pair.SubmitAsync(count: 6, size: 200_000);
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(5);

        // On the return path, just before the real receipt: one signed by a key that is not gb.example's.
        using var impostor = DomainKeySet.Generate(GatewayPair.ReceiverGateway);
        sink!.Before = (type, id) => type == BulkDatagramType.Receipt ? ForgedReceipt(impostor, id, pair) : null;

        var session = pair.Sender.EnqueueAsync([.. offered.Select(o => o.Blob)], pair.Contact(LinkProfiles.Rate, TimeSpan.FromMilliseconds(50)));
        await Eventually.AssertAsync(() => sink!.LastSession is not null);
        var live = sink!.LastSession!.Value;
        var datagram = new byte[1232];
        for (var i = 0; i < 300; i++)
        {
            var length = Hostile(random, datagram, live, pair);
            attacker.SendTo(datagram.AsSpan(0, length), SocketFlags.None, i % 2 == 0 ? pair.ReceiverSocket.LocalEndPoint : pair.SenderSocket.LocalEndPoint);
        }

        var result = await session;

        Assert.Equal(BulkCancelReason.None, result.Cancelled);
        Assert.Equal(6, result.Count(BulkBlobOutcome.Transferred));
        pair.AssertAccounted(result, offered);
        Assert.True(pair.Receiver.Counters.Malformed > 0);
        Assert.True(pair.Sender.Counters.Malformed > 0);
        Assert.True(pair.Sender.Counters.UnknownSession > 0);
        Assert.True(pair.Sender.Counters.ForeignSource > 0, "datagrams of the live session from elsewhere were not set aside");
        Assert.True(pair.Sender.Counters.ReceiptsRejected > 0, "the forged receipt on the path was not rejected");

        // Forged sessions stay bounded in number and are forgotten once silent.
        await Eventually.AssertAsync(() => pair.Receiver.Sessions == 0, TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// One hostile datagram of six kinds from an address neither gateway knows: noise, a bad version, forged data of a
    /// made-up session, a report of the live session or a made-up one, a cancel of a made-up session, a receipt for the
    /// live session.
    /// </summary>
    private static int Hostile(Random random, byte[] datagram, BulkSessionId live, GatewayPair pair)
    {
        switch (random.Next(6))
        {
            case 0:
                random.NextBytes(datagram);
                return random.Next(0, datagram.Length);
            case 1:
                random.NextBytes(datagram);
                datagram[0] = 2;
                return 100;
            case 2:
                var data = BulkDatagram.WriteData(datagram, BulkSessionId.NewRandom(), (uint)random.Next(0, 2), 1_000_000, random.Next(0, 999_000), 500);
                return data;
            case 3:
                var report = BulkDatagram.WriteReport(datagram, random.Next(2) == 0 ? live : BulkSessionId.NewRandom(), complete: false, 1, 10_000, 1);
                BulkDatagram.WriteRange(datagram, 0, 0, 10_000);
                return report;
            case 4:
                return BulkDatagram.WriteCancel(datagram, BulkSessionId.NewRandom(), BulkCancelReason.Refused);
            default:
                var forged = ForgedReceipt(pair.ReceiverKeys, live, pair);
                return BulkDatagram.WriteReceipt(datagram, live, forged.AsSpan(BulkDatagram.HeaderSize));
        }
    }

    /// <summary>A receipt datagram for <paramref name="session"/> signed by <paramref name="keys"/>, covering a blob no manifest has.</summary>
    private static byte[] ForgedReceipt(DomainKeySet keys, BulkSessionId session, GatewayPair pair)
    {
        var receipt = new BulkReceipt
        {
            Session = session,
            ManifestHash = Bytes32.Random(),
            Root = Bytes32.Random(),
            Accepted = [true],
            AcceptedAtMs = pair.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            GatewaySigningKey = new Bytes32(keys.SigningPublicKey),
            GatewayDomain = GatewayPair.ReceiverGateway,
        }.Sign(keys);
        var datagram = new byte[BulkDatagram.HeaderSize + receipt.Length];
        BulkDatagram.WriteReceipt(datagram, session, receipt);
        return datagram;
    }
}
