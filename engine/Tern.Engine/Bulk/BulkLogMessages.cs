using Microsoft.Extensions.Logging;

namespace Tern.Engine.Bulk;

/// <summary>Source-generated log messages of bulk transfer between gateways (event ids 7100–7199).</summary>
internal static partial class BulkLogMessages
{
    [LoggerMessage(7100, LogLevel.Information, "Bulk session {Session} to {Peer}: {Blobs} blobs, {Bytes} bytes, bound {Bound}")]
    public static partial void Opened(ILogger logger, string session, string peer, int blobs, long bytes, TimeSpan bound);

    [LoggerMessage(7101, LogLevel.Information, "Bulk session {Session} to {Peer} receipted: {Accepted} of {Blobs} blobs transferred in {Elapsed}")]
    public static partial void Receipted(ILogger logger, string session, string peer, int accepted, int blobs, TimeSpan elapsed);

    [LoggerMessage(7102, LogLevel.Warning, "Bulk session {Session} to {Peer} cancelled ({Reason}) after {Elapsed}; its blobs stay with this gateway")]
    public static partial void Cancelled(ILogger logger, string session, string peer, BulkCancelReason reason, TimeSpan elapsed);

    [LoggerMessage(7103, LogLevel.Information, "Bulk blob {MessageId} for {RecipientDomain} declined before sending: {Detail}")]
    public static partial void Declined(ILogger logger, string messageId, string recipientDomain, string detail);

    [LoggerMessage(7104, LogLevel.Information, "Bulk session {Session} from {Peer} committed: {Accepted} of {Blobs} blobs held")]
    public static partial void Committed(ILogger logger, string session, string peer, int accepted, int blobs);

    [LoggerMessage(7105, LogLevel.Warning, "Bulk session {Session} refused: {Detail}")]
    public static partial void Refused(ILogger logger, string session, string detail);

    [LoggerMessage(7106, LogLevel.Information, "Bulk blob {MessageId} of session {Session} not held: {Detail}")]
    public static partial void NotHeld(ILogger logger, string messageId, string session, string detail);

    [LoggerMessage(7107, LogLevel.Warning, "Bulk receipt for session {Session} rejected: {Detail}")]
    public static partial void ReceiptRejected(ILogger logger, string session, string detail);

    [LoggerMessage(7108, LogLevel.Information, "Bulk session {Session} from {Peer} dropped at the receiver ({Reason})")]
    public static partial void Dropped(ILogger logger, string session, string peer, string reason);

    [LoggerMessage(7109, LogLevel.Information, "Bulk next hop {Gateway}: window {Contact} open until {Closes:O}, {Blobs} blobs to carry")]
    public static partial void WindowOpen(ILogger logger, string gateway, string contact, DateTimeOffset closes, int blobs);

    [LoggerMessage(7110, LogLevel.Warning, "Bulk next hop {Gateway} has no bulk address just now; its {Blobs} blobs wait")]
    public static partial void NoBulkAddress(ILogger logger, string gateway, int blobs);

    [LoggerMessage(7111, LogLevel.Information, "Bulk blob {MessageId} for {RecipientDomain} can no longer reach {Gateway} before its expiry {Expiry:O}: it stays here to expire")]
    public static partial void NotInTime(ILogger logger, string messageId, string recipientDomain, string gateway, DateTimeOffset expiry);

    [LoggerMessage(7112, LogLevel.Error, "Bulk session to {Gateway} failed; its blobs wait for the next")]
    public static partial void RelayFailed(ILogger logger, string gateway, Exception exception);

    [LoggerMessage(7113, LogLevel.Information, "Bulk session {Session} to {Peer}: late receipt verified, {Moved} of {Accepted} blobs transferred by it (the others were already)")]
    public static partial void LateReceipt(ILogger logger, string session, string peer, int moved, int accepted);

    [LoggerMessage(7114, LogLevel.Error, "Bulk session {Session}: its late receipt could not be recorded; its blobs stay here")]
    public static partial void LateReceiptFailed(ILogger logger, string session, Exception exception);
}
