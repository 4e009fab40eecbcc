using Tern.Engine.Storage;

namespace Tern.Engine.Transit;

/// <summary>
/// The format a transit log was created with, kept in <c>log.format</c> beside its segments (docs/ARCHITECTURE.md
/// §3.1): <c>plain</c> (4-byte entry headers, commit records only in the slots) or <c>fast-commit</c> (checksummed
/// 12-byte headers, commit records in the log; <see cref="TransitLogWrites.DataSync"/>). The two are not readable as
/// each other, so a log is always opened in its own format, whatever the configuration now says; a new log (a new
/// store, a new expiry bucket) takes the configured one. A log written before the marker existed is plain.
/// </summary>
internal static class TransitLogFormat
{
    /// <summary>Name of the marker file in the log's directory.</summary>
    public const string FileName = "log.format";

    private const string Plain = "plain";
    private const string FastCommit = "fast-commit";

    /// <summary>
    /// How to open the log <paramref name="logPath"/>: <paramref name="configured"/> if the log is new (its format is then
    /// recorded, durably) or already in that format; for a fast-commit log, <see cref="TransitLogWrites.DataSync"/>;
    /// for a plain log when <see cref="TransitLogWrites.DataSync"/> is configured, <paramref name="plainWrites"/>.
    /// </summary>
    /// <exception cref="IOException">The marker names no known format.</exception>
    public static TransitLogWrites Resolve(string logPath, string commitDirectory, TransitLogWrites configured, TransitLogWrites plainWrites)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(logPath))!;
        var marker = Path.Combine(directory, FileName);
        var plainOrConfigured = configured == TransitLogWrites.DataSync ? plainWrites : configured;
        if (File.Exists(marker))
        {
            var format = File.ReadAllText(marker).Trim();
            return format switch
            {
                FastCommit => TransitLogWrites.DataSync,
                Plain => plainOrConfigured,
                _ => throw new IOException($"Transit log '{logPath}' has an unknown format '{format}' in '{marker}'."),
            };
        }

        // A log whose directory does not exist yet is new: the directory is made here, as FASTER's devices make it for
        // their segments, so the marker can be written before the first segment.
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
        }
        else if (Directory.Exists(commitDirectory) || Directory.EnumerateFiles(directory, Path.GetFileName(logPath) + ".*").Any())
        {
            return plainOrConfigured;
        }

        AtomicFile.Write(marker, System.Text.Encoding.ASCII.GetBytes((configured == TransitLogWrites.DataSync ? FastCommit : Plain) + "\n"));

        // A new bucket's directory is new too: its name must survive with the log in it.
        if (Path.GetDirectoryName(directory) is { } parent)
        {
            DirectorySync.Flush(parent);
        }

        return configured;
    }
}
