using Microsoft.Extensions.Logging;

namespace Tern.Engine.Pull;

/// <summary>Source-generated log messages of the pull worker (event ids 5000–5099).</summary>
internal static partial class PullLogMessages
{
    [LoggerMessage(5000, LogLevel.Debug, "Pulled {Capability} from {Source}: {Outcome} after {Attempts} attempts")]
    public static partial void Pulled(ILogger logger, string capability, string? source, PullOutcome outcome, int attempts);

    [LoggerMessage(5001, LogLevel.Warning, "Not pulling {Capability}: the notification key does not match {SenderDomain}'s descriptor")]
    public static partial void KeyMismatch(ILogger logger, string capability, string senderDomain);

    [LoggerMessage(5002, LogLevel.Debug, "Fetch of {Capability} from {Source} broke after {Received} bytes; resuming")]
    public static partial void Resuming(ILogger logger, string capability, string source, long received, Exception exception);

    [LoggerMessage(5003, LogLevel.Warning, "Blob {Capability} from {Source} does not match the notified size or hash; discarded")]
    public static partial void Corrupt(ILogger logger, string capability, string source);

    [LoggerMessage(5005, LogLevel.Warning, "Chunk {Chunk} of {Capability} from {Source} does not match the payload hash (-1: its proof); {Kept} checked bytes kept for the next source")]
    public static partial void ChunkMismatch(ILogger logger, string capability, string source, long chunk, long kept, Exception exception);

    [LoggerMessage(5006, LogLevel.Debug, "Resuming {Capability}: {Kept} bytes left by an earlier fetch checked and kept")]
    public static partial void KeptVerified(ILogger logger, string capability, long kept);

    [LoggerMessage(5004, LogLevel.Error, "Pull of {Capability} failed ({Unlogged} more pulls failed since the last report); the reference stays pending")]
    public static partial void PullFailed(ILogger logger, string capability, long unlogged, Exception exception);

    [LoggerMessage(5007, LogLevel.Error, "A handler of PullWorker.Completed threw ({Unlogged} more since the last report); the worker goes on")]
    public static partial void CompletedHandlerFailed(ILogger logger, long unlogged, Exception exception);

    [LoggerMessage(5008, LogLevel.Error, "The immediate pull of {Capability} could not be handed to the worker ({Unlogged} more since the last report); it stays pending")]
    public static partial void HandOverFailed(ILogger logger, string capability, long unlogged, Exception exception);

    [LoggerMessage(5009, LogLevel.Debug, "Pull of {Capability} ended {Outcome}; try {Retry} in {DelayMs} ms")]
    public static partial void RetryScheduled(ILogger logger, string capability, PullOutcome outcome, int retry, long delayMs);

    [LoggerMessage(5010, LogLevel.Information, "Pull of {Capability} ended {Outcome} after {Retries} retries; its transit expiry comes before the next try, so it is not retried")]
    public static partial void RetriesExhausted(ILogger logger, string capability, PullOutcome outcome, int retries);

    [LoggerMessage(5011, LogLevel.Information, "Pull journal {Path} opened: {Records} records replayed, {Unfinished} pulls to resume (torn tail: {Torn})")]
    public static partial void JournalOpened(ILogger logger, string path, int records, int unfinished, bool torn);

    [LoggerMessage(5012, LogLevel.Error, "The pull journal {Path} could not be written; no pull begins until the node restarts")]
    public static partial void JournalWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(5013, LogLevel.Debug, "Pull journal {Path} rewritten with its {Open} open pulls")]
    public static partial void JournalCompacted(ILogger logger, string path, int open);
}
