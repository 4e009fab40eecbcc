using Microsoft.Extensions.Logging;

namespace Tern.Transports.Udp;

internal static partial class UdpLogMessages
{
    [LoggerMessage(1, LogLevel.Warning, "The notification port {Endpoint} asked for a {Requested}-byte receive buffer and the kernel granted {Granted} (Linux grants twice what it accepts, up to net.core.rmem_max). Bursts beyond it are dropped before Tern reads them; raise net.core.rmem_max to at least {Requested}.")]
    public static partial void ReceiveBufferCapped(ILogger logger, string endpoint, int requested, int granted);

    [LoggerMessage(2, LogLevel.Information, "Notification port {Endpoint} listening ({Receiver}, receive buffer {Granted} bytes).")]
    public static partial void Listening(ILogger logger, string endpoint, string receiver, int granted);

    [LoggerMessage(3, LogLevel.Warning, "A receive on the notification port {Endpoint} failed ({Unlogged} more since the last report); receiving goes on.")]
    public static partial void ReceiveFailed(ILogger logger, string endpoint, long unlogged, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "A receive on the notification port {Endpoint} failed for want of resources ({Unlogged} more since the last report); receiving resumes in {WaitMs} ms.")]
    public static partial void ReceiveBackingOff(ILogger logger, string endpoint, long waitMs, long unlogged, Exception exception);

    [LoggerMessage(5, LogLevel.Critical, "The notification port {Endpoint} can no longer receive and has stopped; no notification reaches this node until it is restarted.")]
    public static partial void ReceiveStopped(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "Filing notifications received on {Endpoint} failed ({Unlogged} more since the last report); those datagrams are lost, the next are filed.")]
    public static partial void IngestFailed(ILogger logger, string endpoint, long unlogged, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "The notification port {Endpoint} could not make its receive thread {Increment} nicer than the process (errno {Errno}); the thread runs at the process's.")]
    public static partial void ReceiveThreadNiceRefused(ILogger logger, string endpoint, int increment, int errno);
}
