using FASTER.core;

namespace Tern.Engine.Transit;

/// <summary>
/// The commit-metadata store of a transit FasterLog in fast commit mode (docs/ARCHITECTURE.md §3.1). The log itself
/// carries a checksummed commit record in every commit and recovery scans forward from the latest metadata file to the
/// last intact one, so a metadata file is only a starting point for that scan: writing one per commit (a file created,
/// written with O_SYNC and the previous one deleted) would double the synchronous writes of a commit. This writes one
/// only every <see cref="TransitStoreOptions.CommitMetadataEveryCommits"/> commits or
/// <see cref="TransitStoreOptions.CommitMetadataEveryBytes"/> bytes of log, which bounds the recovery scan, and always
/// when the begin address moved: FasterLog deletes truncated segments right after this call returns, and the scan
/// must never start in a deleted segment.
/// </summary>
internal sealed class SparseCommitManager : ILogCommitManager
{
    private readonly DeviceLogCommitCheckpointManager _files;
    private readonly int _everyCommits;
    private readonly long _everyBytes;
    private long _writtenBegin = -1;
    private long _writtenUntil;
    private int _skipped;

    public SparseCommitManager(string directory, int everyCommits, long everyBytes)
    {
        _files = new DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(directory), removeOutdated: true);
        _everyCommits = everyCommits;
        _everyBytes = everyBytes;
    }

    /// <summary>Metadata files written so far (for tests).</summary>
    public long Written { get; private set; }

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        // FasterLog calls this from its one serial commit worker.
        if (!forceWriteMetadata && beginAddress == _writtenBegin && untilAddress - _writtenUntil < _everyBytes && ++_skipped < _everyCommits)
        {
            return;
        }

        _files.Commit(beginAddress, untilAddress, commitMetadata, commitNum, forceWriteMetadata: true);
        _writtenBegin = beginAddress;
        _writtenUntil = untilAddress;
        _skipped = 0;
        Written++;
    }

    public IEnumerable<long> ListCommits() => _files.ListCommits();

    public byte[] GetCommitMetadata(long commitNum) => _files.GetCommitMetadata(commitNum);

    public void RemoveCommit(long commitNum) => _files.RemoveCommit(commitNum);

    public void RemoveAllCommits() => _files.RemoveAllCommits();

    public void OnRecovery(long commitNum) => _files.OnRecovery(commitNum);

    public void Dispose() => _files.Dispose();
}
