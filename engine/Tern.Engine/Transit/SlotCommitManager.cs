using System.Buffers.Binary;
using FASTER.core;
using Microsoft.Win32.SafeHandles;
using Tern.Engine.Crypto;
using Tern.Engine.Storage;

namespace Tern.Engine.Transit;

/// <summary>
/// Commit metadata of a transit FasterLog (docs/ARCHITECTURE.md §3.1) in two fixed 4 KiB slots of one preallocated
/// file (<c>commits/commit.slots</c>), written in place with a data-synchronous <c>pwrite</c> (<c>O_DSYNC</c>,
/// <see cref="DataSyncFile"/>: under <c>O_SYNC</c> the slot's modification time, which moves at every clock tick, made
/// each slot write write the inode as well). FASTER's own manager creates
/// a file per commit (written O_SYNC) and deletes the previous one, and a file creation makes the disk commit the file
/// system's journal too: measured here, 1.4–1.7 ms against 0.5 ms for an overwrite of a preallocated block. Each commit
/// goes to the slot not holding the newest one, so the previous commit's slot is intact while the new one is written; each slot carries its
/// commit number and a BLAKE2b checksum, so a torn slot is ignored and recovery takes the other — an older commit,
/// and the torn one was never acknowledged (FasterLog completes a commit only after this write returns). A store
/// written before this keeps its FASTER-format commit files, read only when no slot is valid yet.
/// </summary>
/// <remarks>
/// <para>
/// <b>Fast commit (<see cref="TransitLogWrites.DataSync"/>).</b> The commit record is in the log itself, durable
/// before FasterLog calls <see cref="Commit"/>; the slot only tells recovery where to start scanning forward for commit
/// records. It is then written when FasterLog forces it (the log's begin address moved: segments below it are about
/// to be deleted, so no scan may start there) and otherwise at most once per <c>metadataInterval</c>, which bounds
/// the scan. Each written slot goes to the one not holding the newest valid commit, so a torn write leaves the last
/// one written intact (by commit number alone, two skipped commits could overwrite the forced one).
/// </para>
/// <para>
/// <b>Data durable, then commit record durable.</b> A log on a <see cref="Storage.SegmentFileDevice"/> writes its
/// pages through the page cache; <see cref="Commit"/> first runs the flush it was given (the device's
/// <see cref="Storage.SegmentFileDevice.FlushDirty"/>: one <c>fsync</c> per segment written since the last
/// commit) and writes the slot only once that returned. FasterLog calls <see cref="Commit"/> only after every page
/// write up to the commit point has completed, so the slot never names bytes that are not on disk. A flush or slot
/// write that fails leaves the slot unwritten and is reported to <c>failed</c>: FasterLog swallows exceptions from
/// its commit worker and would otherwise leave the commit waiting forever.
/// </para>
/// </remarks>
internal sealed class SlotCommitManager : ILogCommitManager
{
    private const int SlotSize = 4096;
    private const int HeaderSize = 48;
    private const uint Magic = 0x314D4354; // "TCM1"

    private readonly SafeFileHandle _file;
    private readonly byte[] _buffer = GC.AllocateArray<byte>(SlotSize, pinned: true);
    private readonly DeviceLogCommitCheckpointManager? _legacy;
    private readonly Action? _flushData;
    private readonly Action<Exception>? _failed;
    private readonly long _metadataIntervalMs;
    private long _lastWrittenMs = long.MinValue;
    private int _nextSlot;
    private long _slotWrites;

    /// <param name="directory">Directory of <c>commit.slots</c>.</param>
    /// <param name="flushData">Makes the log's completed writes durable; runs before each slot write. Null for a
    /// device whose writes are durable when they complete (FASTER's own, <c>O_DSYNC</c>).</param>
    /// <param name="failed">Told when a commit fails (its slot is then not written).</param>
    /// <param name="metadataInterval">
    /// Under fast commit, the least time between two slot writes FasterLog does not force; zero writes every commit's
    /// slot (the log's commit records are then not in the log, and every commit needs its slot).
    /// </param>
    public SlotCommitManager(string directory, Action? flushData = null, Action<Exception>? failed = null, TimeSpan metadataInterval = default)
    {
        _flushData = flushData;
        _metadataIntervalMs = (long)metadataInterval.TotalMilliseconds;
        _failed = failed;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "commit.slots");
        if (!File.Exists(path))
        {
            // Allocated and made durable once, so every commit after is an overwrite of allocated blocks.
            var temp = path + ".tmp";
            using (var create = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                create.Write(new byte[2 * SlotSize]);
                create.Flush(flushToDisk: true);
            }

            File.Move(temp, path);
            DirectorySync.Flush(directory);
        }

        _file = DataSyncFile.OpenExisting(path);
        if (Directory.Exists(Path.Combine(directory, "log-commits")))
        {
            _legacy = new DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(directory), removeOutdated: false);
        }

        _nextSlot = NewestSlot() is { } newest ? 1 - newest : 0;
    }

    /// <summary>Slots written so far (each one data-synchronous write).</summary>
    public long SlotWrites => Interlocked.Read(ref _slotWrites);

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        ArgumentNullException.ThrowIfNull(commitMetadata);
        try
        {
            if (commitMetadata.Length > SlotSize - HeaderSize)
            {
                throw new IOException($"Commit metadata of {commitMetadata.Length} bytes does not fit a {SlotSize}-byte slot.");
            }

            if (!forceWriteMetadata && _metadataIntervalMs > 0 && _lastWrittenMs != long.MinValue && Environment.TickCount64 - _lastWrittenMs < _metadataIntervalMs)
            {
                return;
            }

            _flushData?.Invoke();
            WriteSlot(commitMetadata, commitNum);
            _lastWrittenMs = Environment.TickCount64;
        }
        catch (Exception ex)
        {
            _failed?.Invoke(ex);
            throw;
        }
    }

    public IEnumerable<long> ListCommits()
    {
        var commits = new List<long>(2);
        for (var i = 0; i < 2; i++)
        {
            if (ReadSlot(i) is { } slot)
            {
                commits.Add(slot.CommitNum);
            }
        }

        if (commits.Count == 0 && _legacy is not null)
        {
            return _legacy.ListCommits();
        }

        commits.Sort((a, b) => b.CompareTo(a));
        return commits;
    }

    public byte[]? GetCommitMetadata(long commitNum)
    {
        for (var i = 0; i < 2; i++)
        {
            if (ReadSlot(i) is { } slot && slot.CommitNum == commitNum)
            {
                return slot.Metadata;
            }
        }

        return _legacy?.GetCommitMetadata(commitNum);
    }

    public void RemoveCommit(long commitNum)
    {
        for (var i = 0; i < 2; i++)
        {
            if (ReadSlot(i) is { } slot && slot.CommitNum == commitNum)
            {
                RandomAccess.Write(_file, new byte[SlotSize], (long)i * SlotSize);
            }
        }
    }

    public void RemoveAllCommits() => RandomAccess.Write(_file, new byte[2 * SlotSize], 0);

    public void OnRecovery(long commitNum)
    {
    }

    public void Dispose()
    {
        _file.Dispose();
        _legacy?.Dispose();
    }

    private void WriteSlot(byte[] commitMetadata, long commitNum)
    {
        // FasterLog calls Commit from its one serial commit worker, so the buffer is never shared.
        var slot = _buffer.AsSpan();
        slot.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(slot, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(slot[36..], commitNum);
        BinaryPrimitives.WriteInt32LittleEndian(slot[44..], commitMetadata.Length);
        commitMetadata.CopyTo(slot[HeaderSize..]);
        Blake2b.Hash(slot[36..(HeaderSize + commitMetadata.Length)], slot[4..36]);
        RandomAccess.Write(_file, _buffer, (long)_nextSlot * SlotSize);
        _nextSlot = 1 - _nextSlot;
        Interlocked.Increment(ref _slotWrites);
    }

    /// <summary>The slot holding the newest valid commit, or null when neither is valid.</summary>
    private int? NewestSlot()
    {
        int? newest = null;
        long newestCommit = long.MinValue;
        for (var i = 0; i < 2; i++)
        {
            if (ReadSlot(i) is { } slot && slot.CommitNum > newestCommit)
            {
                newest = i;
                newestCommit = slot.CommitNum;
            }
        }

        return newest;
    }

    private (long CommitNum, byte[] Metadata)? ReadSlot(int index)
    {
        var slot = new byte[SlotSize];
        if (RandomAccess.Read(_file, slot, (long)index * SlotSize) != SlotSize || BinaryPrimitives.ReadUInt32LittleEndian(slot) != Magic)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(slot.AsSpan(44));
        if (length < 0 || length > SlotSize - HeaderSize)
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[32];
        Blake2b.Hash(slot.AsSpan(36, HeaderSize - 36 + length), hash);
        if (!hash.SequenceEqual(slot.AsSpan(4, 32)))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(slot.AsSpan(36)), slot.AsSpan(HeaderSize, length).ToArray());
    }
}
