using Microsoft.Extensions.Logging;

namespace Tern.Transports.Udp;

internal static partial class UdpLog
{
    [LoggerMessage(1, LogLevel.Warning, "The notification port {Endpoint} asked for a {Requested}-byte receive buffer and the kernel granted {Granted} (Linux grants twice what it accepts, up to net.core.rmem_max). Bursts beyond it are dropped before Tern reads them; raise net.core.rmem_max to at least {Requested}.")]
    public static partial void ReceiveBufferCapped(ILogger logger, string endpoint, int requested, int granted);

    [LoggerMessage(2, LogLevel.Information, "Notification port {Endpoint} listening ({Receiver}, receive buffer {Granted} bytes).")]
    public static partial void Listening(ILogger logger, string endpoint, string receiver, int granted);
}
