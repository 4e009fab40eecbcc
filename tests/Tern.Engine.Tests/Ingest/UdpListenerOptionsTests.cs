using System.Net;
using Tern.Transports.Udp;

namespace Tern.Engine.Tests.Ingest;

public sealed class UdpListenerOptionsTests
{
    [Fact]
    public void At_another_endpoint_keeps_every_other_knob()
    {
        var options = new UdpListenerOptions
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 7400),
            Receiver = UdpReceiverKind.RecvMmsg,
            BatchSize = 17,
            ReceiveBufferBytes = 1 << 22,
            PollInterval = TimeSpan.FromMilliseconds(77),
            BackoffInitial = TimeSpan.FromMilliseconds(3),
            BackoffMax = TimeSpan.FromSeconds(9),
            ReceiveThreadNiceIncrement = 4,
        };
        var moved = new IPEndPoint(IPAddress.Loopback, 7500);

        var copy = options.At(moved);

        Assert.Equal(moved, copy.Endpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7400), options.Endpoint);
        foreach (var property in typeof(UdpListenerOptions).GetProperties().Where(p => p.CanWrite && p.Name != nameof(UdpListenerOptions.Endpoint)))
        {
            Assert.Equal(property.GetValue(options), property.GetValue(copy));
        }
    }
}
