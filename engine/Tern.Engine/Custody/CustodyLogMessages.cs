using Microsoft.Extensions.Logging;
using Tern.Engine.Protocol.Custody;

namespace Tern.Engine.Custody;

/// <summary>Source-generated log messages of custody transfer, sender and gateway (event ids 7000–7099).</summary>
internal static partial class CustodyLogMessages
{
    [LoggerMessage(7000, LogLevel.Information, "Declined custody of {MessageId} from {SenderDomain} for {RecipientDomain}: {Reason} ({Detail})")]
    public static partial void Declined(ILogger logger, string messageId, string senderDomain, string recipientDomain, CustodyDeclineReason reason, string detail);

    [LoggerMessage(7001, LogLevel.Information, "Took custody of {MessageId} ({Size} bytes) from {SenderDomain} for {RecipientDomain} until {Expiry:O}")]
    public static partial void Accepted(ILogger logger, string messageId, long size, string senderDomain, string recipientDomain, DateTimeOffset expiry);

    [LoggerMessage(7002, LogLevel.Warning, "Fetching {MessageId} from {SenderDomain} for custody failed: {Detail}")]
    public static partial void FetchFailed(ILogger logger, string messageId, string senderDomain, string detail, Exception? exception);

    [LoggerMessage(7003, LogLevel.Information, "Blob {MessageId} held for {Account} expired with {Unfetched} deliveries unfetched ({Size} bytes)")]
    public static partial void Expired(ILogger logger, string messageId, string account, int unfetched, long size);

    [LoggerMessage(7010, LogLevel.Information, "Transferred {MessageId} for {RecipientDomain} to gateway {GatewayDomain}, which honours it until {Expiry:O}")]
    public static partial void Transferred(ILogger logger, string messageId, string recipientDomain, string gatewayDomain, DateTimeOffset expiry);

    [LoggerMessage(7011, LogLevel.Warning, "Refused the receipt of {GatewayDomain} for {MessageId} to {RecipientDomain}: {Verdict}; the deliveries stay with this node")]
    public static partial void ReceiptRefused(ILogger logger, string gatewayDomain, string messageId, string recipientDomain, ReceiptVerdict verdict);

    [LoggerMessage(7012, LogLevel.Information, "Gateway {GatewayDomain} declined {MessageId} for {RecipientDomain}: {Reason} ({Detail}); {Next}")]
    public static partial void OfferDeclined(ILogger logger, string gatewayDomain, string messageId, string recipientDomain, CustodyDeclineReason reason, string detail, string next);

    [LoggerMessage(7013, LogLevel.Debug, "Offer of {MessageId} for {RecipientDomain} to {GatewayDomain} did not complete: {Detail}; again in {Delay}")]
    public static partial void OfferRetry(ILogger logger, string messageId, string recipientDomain, string gatewayDomain, string detail, TimeSpan delay, Exception? exception);
}
