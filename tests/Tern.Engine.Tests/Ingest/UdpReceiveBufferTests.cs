using System.Net;
using Microsoft.Extensions.Logging;
using Tern.Engine.Ingest;
using Tern.Engine.Tests.Protocol;
using Tern.Transports.Udp;

namespace Tern.Engine.Tests.Ingest;

/// <summary>The notification port says when the kernel grants less receive buffer than its options ask for.</summary>
public sealed class UdpReceiveBufferTests : IDisposable
{
    private readonly NotificationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(1 << 30)]
    public void A_receive_buffer_the_kernel_caps_is_logged_with_the_setting_to_raise(int requested)
    {
        // What this machine's kernel accepts: up to net.core.rmem_max, granted twice over.
        var rmemMax = long.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var capped = rmemMax < requested;
        var logger = new CapturingLogger<UdpNotificationListener>();
        var ingest = new NotificationIngest(_f.Receiver, new RecordingSink(), new RecordingSink(), new IngestOptions());
        using var listener = new UdpNotificationListener(
            new UdpListenerOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), ReceiveBufferBytes = requested }, ingest, logger: logger);

        Assert.Equal(2 * Math.Min(requested, rmemMax), listener.GrantedReceiveBufferBytes);
        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        if (capped)
        {
            var warning = Assert.Single(warnings);
            Assert.Contains("net.core.rmem_max", warning, StringComparison.Ordinal);
            Assert.Contains(requested.ToString(System.Globalization.CultureInfo.InvariantCulture), warning, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(warnings);
        }

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("listening", StringComparison.Ordinal));
    }
}
