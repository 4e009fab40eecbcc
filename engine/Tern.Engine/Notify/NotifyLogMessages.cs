using Microsoft.Extensions.Logging;

namespace Tern.Engine.Notify;

/// <summary>Log messages of the notification scheduler (event ids 2000–2099).</summary>
internal static partial class NotifyLogMessages
{
    [LoggerMessage(2000, LogLevel.Information, "Notification scheduler started: {Deliveries} outstanding deliveries loaded from the transit store")]
    public static partial void Started(ILogger logger, int deliveries);

    [LoggerMessage(2001, LogLevel.Warning, "Peer {Domain} could not be resolved; its notifications wait {RetryMs} ms")]
    public static partial void PeerUnresolved(ILogger logger, string domain, long retryMs);

    [LoggerMessage(2002, LogLevel.Warning, "Peer {Domain} has an agreement key that fails the X25519 check; its notifications wait {RetryMs} ms")]
    public static partial void PeerKeyRejected(ILogger logger, string domain, long retryMs);

    [LoggerMessage(2003, LogLevel.Warning, "Resolving peer {Domain} failed")]
    public static partial void PeerResolutionFailed(ILogger logger, string domain, Exception exception);

    [LoggerMessage(2004, LogLevel.Error, "A notification scheduler round failed ({Unlogged} more since the last report); the next round retries")]
    public static partial void RoundFailed(ILogger logger, long unlogged, Exception exception);

    [LoggerMessage(2005, LogLevel.Information, "Notification scheduler stopped: {Datagrams} datagrams, {Records} records, {Retransmissions} retransmissions sent")]
    public static partial void Stopped(ILogger logger, long datagrams, long records, long retransmissions);

    [LoggerMessage(2006, LogLevel.Debug, "Mime hint of {Capability} is not printable ASCII of at most 127 bytes; sent without it")]
    public static partial void MimeHintDropped(ILogger logger, string capability);
}
