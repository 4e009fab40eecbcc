using FASTER.core;

namespace Tern.Engine.Transit;

/// <summary>
/// Settings shared by the journal and the bucket logs (docs/ARCHITECTURE.md §3.1): per-entry checksums and fast commit
/// mode, so a commit is one synchronous write of the log's tail (which carries the commit record) and recovery finds
/// the last intact commit record by scanning forward; commit metadata files are written sparsely
/// (<see cref="SparseCommitManager"/>). The caller disposes the returned manager after the log.
/// </summary>
internal static class TransitLogSettings
{
    /// <summary>Bytes in front of each entry: an 8-byte checksum, then the 4-byte length.</summary>
    public const int EntryHeaderSize = 12;

    public static FasterLogSettings Create(IDevice device, string commitDirectory, int pageBits, int memoryBits, int segmentBits, TransitStoreOptions options, out SparseCommitManager commits)
    {
        commits = new SparseCommitManager(commitDirectory, options.CommitMetadataEveryCommits, options.CommitMetadataEveryBytes);
        return new FasterLogSettings
        {
            LogDevice = device,
            LogCommitManager = commits,
            LogChecksum = LogChecksumType.PerEntry,
            FastCommitMode = true,
            PageSizeBits = pageBits,
            MemorySizeBits = memoryBits,
            SegmentSizeBits = segmentBits,
        };
    }
}
