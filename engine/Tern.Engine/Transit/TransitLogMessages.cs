using Microsoft.Extensions.Logging;

namespace Tern.Engine.Transit;

/// <summary>Log messages of the transit store (event ids 1000–1099).</summary>
internal static partial class TransitLogMessages
{
    [LoggerMessage(1000, LogLevel.Information, "Transit store opened at {Directory}: {Blobs} blobs, {Deliveries} deliveries, {Replayed} journal entries replayed in {ElapsedMs} ms")]
    public static partial void Opened(ILogger logger, string directory, int blobs, int deliveries, long replayed, long elapsedMs);

    [LoggerMessage(1001, LogLevel.Warning, "Dropped submission {MessageId} found in the journal: its chunks were not committed to bucket {Bucket} (it was never acknowledged)")]
    public static partial void DroppedUncommittedSubmission(ILogger logger, string messageId, string bucket);

    [LoggerMessage(1002, LogLevel.Error, "Blob {MessageId} expiring {Expiry} has no bucket log {Bucket}; it reads as not found")]
    public static partial void MissingBucket(ILogger logger, string messageId, DateTimeOffset expiry, string bucket);

    [LoggerMessage(1003, LogLevel.Critical, "The transit commit loop failed; the store refuses further writes")]
    public static partial void CommitFailed(ILogger logger, Exception exception);

    [LoggerMessage(1004, LogLevel.Information, "Checkpoint written: {Blobs} blobs, journal covered up to {Address}, {ElapsedMs} ms")]
    public static partial void CheckpointWritten(ILogger logger, int blobs, long address, long elapsedMs);

    [LoggerMessage(1005, LogLevel.Information, "Expired bucket {Bucket} deleted")]
    public static partial void BucketDeleted(ILogger logger, string bucket);

    [LoggerMessage(1006, LogLevel.Error, "Transit maintenance failed; retrying at the next interval")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(1007, LogLevel.Debug, "Sweep at {Now}: {Expired} blobs expired, {Buckets} buckets deleted")]
    public static partial void Swept(ILogger logger, DateTimeOffset now, int expired, int buckets);

    [LoggerMessage(1008, LogLevel.Error, "Settling inline blobs in their bucket logs failed; their bytes stay held in memory until the next checkpoint settles them")]
    public static partial void SettleFailed(ILogger logger, Exception exception);
}
