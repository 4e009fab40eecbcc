using Microsoft.Extensions.Logging;

namespace Tern.Node;

internal static partial class NodeLogMessages
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Stores open in {DataDirectory}")]
    public static partial void StoresOpen(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stores checkpointed and closed")]
    public static partial void StoresClosed(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Node {Domain} ready: notify {Notify}, framed {Framed}, http {Http}")]
    public static partial void Ready(ILogger logger, string domain, string notify, string framed, string http);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Node {Domain} stopping: intake closed, draining")]
    public static partial void Stopping(ILogger logger, string domain);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Drain time over with {Pulls} pulls in flight; they are cut and resume after a restart")]
    public static partial void PullDrainCut(ILogger logger, int pulls);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "The pending table's checkpoint did not complete in time; the table is left to the process exit (references since the last checkpoint return by retransmission)")]
    public static partial void PendingCheckpointCut(ILogger logger);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Stage {Stage} started")]
    public static partial void StageStarted(ILogger logger, string stage);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Stage {Stage} stopped")]
    public static partial void StageStopped(ILogger logger, string stage);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Stage {Stage} failed to start; stopping the stages started before it")]
    public static partial void StageStartFailed(ILogger logger, string stage, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Stage {Stage} failed to stop")]
    public static partial void StageStopFailed(ILogger logger, string stage, Exception exception);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "{Pulls} pending references queued to be pulled at start")]
    public static partial void PullsResumed(ILogger logger, int pulls);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "{Unfinished} pulls the last run began and did not end: {Refiled} filed again, {Stored} found stored, {Queued} queued to be pulled")]
    public static partial void JournalPullsResumed(ILogger logger, int unfinished, int refiled, int stored, int queued);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "The scan of the pending table for pulls to queue at start failed; what it did not queue stays pending for clients")]
    public static partial void StartupPullsFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Descriptor signed and served at /.well-known/tern: notify {Notify}, fetch {Fetch}, expires {ExpiresAt}")]
    public static partial void DescriptorSigned(ILogger logger, string notify, string fetch, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "The changed configuration's descriptor settings are refused; the descriptor served before stays: {Reason}")]
    public static partial void DescriptorReloadRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "The pending table's periodic {Task} failed; the next interval tries again")]
    public static partial void PendingMaintenanceFailed(ILogger logger, string task, Exception exception);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Key rotation: {State}; the descriptor is signed by {SigningKey}, notifications are sealed to {AgreementKey}, the previous key set is accepted until {PreviousUntil}")]
    public static partial void KeyRotationChanged(ILogger logger, string state, string signingKey, string agreementKey, DateTimeOffset? previousUntil);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "The key rotation files in {Directory} could not be read or applied; the keys in use stay, the next look tries again")]
    public static partial void KeyRotationFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Key rotation: {Bundles} users' key bundles re-signed with the domain signing key {SigningKey}")]
    public static partial void UserKeysResigned(ILogger logger, int bundles, Tern.Engine.Protocol.Bytes32 signingKey);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "Key rotation: re-signing the users' key bundles failed; those not yet re-signed stay signed by the previous key, the next change or start tries again")]
    public static partial void UserKeysResignFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Bulk port open on {EndPoint}; carrying to next hops: {NextHops}")]
    public static partial void BulkPortOpen(ILogger logger, string endPoint, bool nextHops);
}
