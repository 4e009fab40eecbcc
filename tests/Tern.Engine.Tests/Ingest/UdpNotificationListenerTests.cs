using System.Net;
using System.Net.Sockets;
using Tern.Engine.Ingest;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;
using Tern.Transports.Udp;

namespace Tern.Engine.Tests.Ingest;

/// <summary>The notification port on a real loopback socket: valid traffic lands, hostile traffic is counted, nothing is ever sent back.</summary>
public sealed class UdpNotificationListenerTests : IDisposable
{
    private readonly NotificationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Theory]
    [InlineData(UdpReceiverKind.RecvMmsg)]
    [InlineData(UdpReceiverKind.ReceiveFrom)]
    public async Task Valid_datagrams_land_hostile_ones_are_counted_and_the_port_stays_silent(UdpReceiverKind kind)
    {
        var sink = new RecordingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());
        using var listener = new UdpNotificationListener(
            new UdpListenerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Receiver = kind, PollInterval = TimeSpan.FromMilliseconds(50) },
            ingest);
        listener.Start();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var capabilities = new List<FetchCapability>();
        var random = new Random(42);
        var sent = 0;
        for (var i = 0; i < 20; i++)
        {
            var capability = FetchCapability.NewRandom();
            capabilities.Add(capability);
            await client.SendToAsync(Seal(capability, now), listener.LocalEndpoint);
            var junk = new byte[random.Next(0, 1400)];
            random.NextBytes(junk);
            await client.SendToAsync(junk, listener.LocalEndpoint);
            sent += 2;
        }

        var replay = Seal(FetchCapability.NewRandom(), now - 700_000); // stale
        await client.SendToAsync(replay, listener.LocalEndpoint);
        sent++;

        // A batch counts as received once the ingest has filed it; disposing joins the receive thread, so the
        // (single-writer) counters read below are final.
        await Eventually.TrueAsync(() => listener.DatagramsReceived >= sent);
        listener.Dispose();
        Assert.Equal(sent, listener.DatagramsReceived);
        Assert.Equal(capabilities, sink.Accepted);
        Assert.Equal(20, listener.Counters.RecordsAccepted);
        Assert.Equal(21, listener.Counters.TotalDrops);
        Assert.Equal(1, listener.Counters.Drops(DropReason.Stale));
        Assert.Equal(0, client.Available); // silence: not one byte came back
    }

    [Fact]
    public async Task The_sendmmsg_sender_delivers_every_datagram_of_its_batches()
    {
        var sink = new RecordingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());
        using var listener = new UdpNotificationListener(
            new UdpListenerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), PollInterval = TimeSpan.FromMilliseconds(50) }, ingest);
        listener.Start();
        using var sender = new UdpDatagramSender(batch: 16);
        var destination = PeerAddress.From(listener.LocalEndpoint);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var capabilities = Enumerable.Range(0, 100).Select(_ => FetchCapability.NewRandom()).ToList();
        foreach (var capability in capabilities)
        {
            sender.Enqueue(Seal(capability, now), destination);
        }

        sender.Flush();
        await Eventually.TrueAsync(() => listener.DatagramsReceived >= capabilities.Count);
        listener.Dispose();
        Assert.Equal(100, sender.Sent);
        Assert.Equal(0, sender.Failed);
        Assert.Equal(capabilities, sink.Accepted);
    }

    private byte[] Seal(FetchCapability capability, long sentAt)
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, sentAt);
        writer.TryAdd(new NotificationRecord(capability, RecipientHash.NewRandom(), sentAt + 86_400_000, 10, Bytes32.Random(), 1, NotificationFlags.None, "a.example"u8, default, default));
        return buffer[..writer.Seal(_f.SendKey)];
    }
}
