using System.Net;
using System.Net.Sockets;
using Tern.Transports.Udp;

namespace Tern.Engine.Tests.Notify;

/// <summary>The scheduler's UDP transport on real loopback sockets: queued datagrams leave on flush, byte for byte.</summary>
public sealed class UdpNotificationTransportTests
{
    [Fact]
    public async Task Queued_datagrams_arrive_intact_after_a_flush_and_full_batches_leave_on_their_own()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var destination = (IPEndPoint)receiver.LocalEndPoint!;
        using var transport = new UdpNotificationTransport(batch: 4, sendBufferBytes: 1 << 20);

        var sent = new List<byte[]>();
        for (var i = 0; i < 6; i++)
        {
            var datagram = new byte[200 + i];
            new Random(i).NextBytes(datagram);
            sent.Add(datagram);
            transport.Send(datagram, new IPEndPoint(IPAddress.Loopback, destination.Port));
        }

        Assert.Equal(4, transport.Sent); // the first full batch went out on its own
        transport.Flush();
        Assert.Equal(6, transport.Sent);
        Assert.Equal(0, transport.Failed);

        var buffer = new byte[2048];
        foreach (var expected in sent)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var result = await receiver.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
            Assert.Equal(expected, buffer[..result.ReceivedBytes]);
        }
    }
}
