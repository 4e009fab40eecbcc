using Microsoft.Extensions.Logging;

namespace Tern.Engine.Pending;

/// <summary>Log events of the pending table (event ids 4100–4199).</summary>
internal static partial class PendingLogMessages
{
    [LoggerMessage(4100, LogLevel.Information, "Pending table opened at {Directory} (recovered: {Recovered}): {Count} references from {Domains} sender domains.")]
    public static partial void Opened(ILogger logger, string directory, bool recovered, long count, int domains);

    [LoggerMessage(4101, LogLevel.Information, "Pending table checkpoint of {Count} references took {ElapsedMs:F1} ms.")]
    public static partial void CheckpointTaken(ILogger logger, long count, double elapsedMs);

    [LoggerMessage(4102, LogLevel.Debug, "Pending table sweep expired {Expired} references and dropped {Dropped} tombstones in {ElapsedMs:F1} ms.")]
    public static partial void Swept(ILogger logger, int expired, int dropped, double elapsedMs);

    [LoggerMessage(4103, LogLevel.Warning, "Pending table counters at {Path} do not match the recovered checkpoint; recounting from the capability store.")]
    public static partial void CountersMissing(ILogger logger, string path);

    [LoggerMessage(4104, LogLevel.Warning, "Pending table could not commit its index memory at open (unexpected FASTER layout or kernel without MADV_POPULATE_WRITE); the first inserts will page-fault the indexes in.")]
    public static partial void PrefaultUnavailable(ILogger logger);

    [LoggerMessage(4105, LogLevel.Warning, "Pending table was not closed by its last run: {References} recovered references of {Hashes} recipient hashes moved above every sequence handed out before, in {ElapsedMs:F1} ms.")]
    public static partial void Renumbered(ILogger logger, long references, int hashes, double elapsedMs);

    [LoggerMessage(4106, LogLevel.Warning, "Pending table references rewritten from format {From} to format {To}: {Migrated} references ({Unreadable} unreadable, left as they were), {Profiles} sender profiles, in {ElapsedMs:F1} ms.")]
    public static partial void Migrated(ILogger logger, int from, int to, long migrated, long unreadable, int profiles, double elapsedMs);

    [LoggerMessage(4107, LogLevel.Warning, "Pending table: the last checkpoint was cut by a crash; {Dropped} capabilities whose reference it did not hold were dropped, to be filed again by the senders' retransmissions.")]
    public static partial void OrphansDropped(ILogger logger, int dropped);
}
