using System.Collections.Concurrent;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// A FASTER log device of segment files that makes data durable only when asked, at commit (docs/ARCHITECTURE.md
/// §3.1). FASTER's own device on Linux opens every segment <c>O_SYNC</c>, so each page flush waits for its own writeback;
/// this one writes each page either through the page cache (<c>pwrite</c>, as <c>dd</c> does) or, when
/// <c>direct</c>, straight from FASTER's page to the disk (<c>O_DIRECT</c>: no copy into the kernel, which is what a
/// large blob's write costs most on a small machine; writes shorter than <see cref="DirectMinBytes"/> still go through the
/// page cache), remembers which segments have writes not yet synced, and
/// <see cref="FlushDirty"/> <c>fsync</c>s those — once per dirty segment — when the log commits. A direct write is not
/// durable either until then: the disk's cache and the file's size and extents need the sync. The sync is the BCL's
/// <see cref="RandomAccess.FlushToDisk"/>: after the appends a commit makes, <c>fsync</c> measured no slower here than
/// an <c>fdatasync</c> (perf-reports/transit.md).
/// </summary>
/// <remarks>
/// <para><b>Invariant: data durable, then commit record durable.</b> A write is not durable when FASTER's completion
/// callback runs; only a commit makes it so. The transit store's commit (<c>Transit.SlotCommitManager.Commit</c>) calls <see cref="FlushDirty"/> before
/// it writes its slot, and FasterLog calls <c>Commit</c> only after the flush of every page up to the commit point has
/// completed; every such write marked its segment dirty before its callback, so the syncs cover it. After a
/// crash, recovery trusts only what a slot records, so a write that was never committed is never read back, whether
/// or not the kernel wrote it out. A segment file created since the last flush also has its directory synced, so its
/// name survives with its data.</para>
/// <para>Segment files are <c>&lt;path&gt;.&lt;n&gt;</c>, as FASTER names them (<see cref="SegmentFiles"/> reads them
/// directly). Writes are positional <c>pwrite</c>s made one at a time by a pool thread draining a queue (see
/// <c>QueueWrite</c>), reads <c>pread</c>s on the pool; both complete there, never on the caller's thread, since FASTER
/// issues them under its epoch and a completion may start a commit. FASTER itself orders writes that touch the same
/// sector.</para>
/// <para>Once a sync fails the device refuses every later flush: Linux may have dropped the dirty pages
/// it could not write, so a later sync that succeeds would prove nothing.</para>
/// </remarks>
internal sealed partial class SegmentFileDevice : StorageDeviceBase
{
    // FASTER's sector size on Linux: writes are padded to it, so the files are laid out as FASTER's own device lays them.
    // Direct writes need page alignment, so a direct device asks FASTER for 4 KiB sectors: every page flush and every
    // partial flush at a commit then starts, and ends, on a 4 KiB boundary. The addresses in the log do not depend on
    // it, so a log written with one sector size is read back with the other.
    private const uint SectorSize512 = 512;

    /// <summary>
    /// Shortest write a direct device makes with <c>O_DIRECT</c>; shorter ones go through the page cache. A direct write
    /// saves the copy into the kernel, which matters for a large blob's full pages, but it also drops the written range
    /// from the page cache, so the next read of it waits for the disk. The short writes are a commit's partial tail page:
    /// a small blob, which its recipient fetches moments later (docs/ARCHITECTURE.md §3.1). Through the page cache their
    /// copy costs little, the commit's sync writes them back all the same, and the fetch reads them from memory.
    /// </summary>
    public const int DirectMinBytes = 64 * 1024;

    private readonly object _gate = new();
    private readonly object _flushGate = new();
    private readonly Dictionary<int, Segment> _segments = [];
    private readonly List<Segment> _flushScratch = [];
    private readonly ConcurrentQueue<DeviceIo> _ioPool = new();
    private readonly ConcurrentQueue<DeviceIo> _writes = new();
    private readonly WriteDrain _drain;
    private readonly string _directory;
    private readonly bool _startWriteback;
    private readonly bool _direct;
    private readonly bool _dataSync;
    private readonly int _directMinBytes;
    private int _draining;
    private bool _directoryDirty;
    private bool _disposed;
    private Exception? _flushFailure;
    private long _segmentSyncs;
    private long _directWrites;

    /// <param name="path">File name prefix of the segments (<c>&lt;path&gt;.0</c>, <c>&lt;path&gt;.1</c>…).</param>
    /// <param name="startWriteback">
    /// Ask the kernel to start writing each page back as soon as it is written (<c>sync_file_range</c>), so the disk
    /// works while the log fills and the commit's sync finds little left to write. Writes that go direct need none.
    /// </param>
    /// <param name="direct">
    /// Write with <c>O_DIRECT</c> where the file system allows it (<see cref="DirectFile"/>); a segment whose file refuses
    /// it, a write that is not page-aligned or one shorter than <see cref="DirectMinBytes"/> goes through the page cache
    /// instead. Reads always use the page cache.
    /// </param>
    /// <param name="directMinBytes">Shortest write made direct; <see cref="DirectMinBytes"/> unless a test asks for every aligned write.</param>
    /// <param name="dataSync">
    /// Write data-synchronously (<c>O_DSYNC</c>; with <paramref name="direct"/>, direct writes <c>O_DIRECT|O_DSYNC</c>):
    /// a write is durable when it completes, so <see cref="FlushDirty"/> has nothing to do. For FasterLog's fast commit,
    /// whose commit record is durable once the write of its page completes (see <c>SegmentFileDevice.DataSync.cs</c>).
    /// </param>
    public SegmentFileDevice(string path, bool startWriteback, bool direct = false, int directMinBytes = DirectMinBytes, bool dataSync = false)
        : base(path, direct || dataSync ? DirectFile.Alignment : SectorSize512, Devices.CAPACITY_UNSPECIFIED)
    {
        _dataSync = dataSync;
        _directMinBytes = directMinBytes;
        _directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(_directory);
        _startWriteback = startWriteback;
        _direct = direct;
        _drain = new WriteDrain(this);
    }

    /// <summary>Writes made with <c>O_DIRECT</c> so far (the others went through the page cache).</summary>
    public long DirectWrites => Interlocked.Read(ref _directWrites);

    /// <summary>Segments made durable by <see cref="FlushDirty"/> so far: one <c>fsync</c> each.</summary>
    public long SegmentSyncs => Interlocked.Read(ref _segmentSyncs);

    /// <summary>Segments with completed writes not yet made durable.</summary>
    public int DirtySegments
    {
        get
        {
            lock (_gate)
            {
                var n = 0;
                foreach (var segment in _segments.Values)
                {
                    n += Volatile.Read(ref segment.Dirty);
                }

                return n;
            }
        }
    }

    /// <summary>
    /// Makes every write completed before this call durable: one <c>fsync</c> per segment written since the last
    /// flush, then the directory if a segment file was created. Called by the log's commit manager before it writes
    /// the commit record.
    /// </summary>
    /// <exception cref="IOException">A sync failed; this and every later flush throw, and nothing since the last
    /// successful flush may be considered durable.</exception>
    public void FlushDirty()
    {
        lock (_flushGate)
        {
            if (_flushFailure is not null)
            {
                throw new IOException($"An earlier sync of '{FileName}' failed; its writes since then are not known to be durable.", _flushFailure);
            }

            bool directory;
            lock (_gate)
            {
                foreach (var segment in _segments.Values)
                {
                    if (Volatile.Read(ref segment.Dirty) != 0)
                    {
                        _flushScratch.Add(segment);
                    }
                }

                directory = _directoryDirty;
                _directoryDirty = false;
            }

            try
            {
                foreach (var segment in _flushScratch)
                {
                    // Cleared before the sync: a write completing during it marks the segment again for the next flush.
                    if (Interlocked.Exchange(ref segment.Dirty, 0) != 0 && SyncSegment(segment))
                    {
                        Interlocked.Increment(ref _segmentSyncs);
                    }
                }

                if (directory)
                {
                    DirectorySync.Flush(_directory);
                }
            }
            catch (Exception ex)
            {
                _flushFailure = ex;
                throw;
            }
            finally
            {
                _flushScratch.Clear();
            }
        }
    }

    /// <inheritdoc />
    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
    {
        HandleCapacity(segmentId);
        QueueWrite(segmentId, sourceAddress, destinationAddress, numBytesToWrite, callback, context);
    }

    /// <inheritdoc />
    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context)
        => QueueRead(segmentId, destinationAddress, sourceAddress, readLength, callback, context);

    /// <inheritdoc />
    public override void RemoveSegment(int segment)
    {
        Segment? removed;
        lock (_gate)
        {
            _segments.Remove(segment, out removed);
        }

        // A write or sync still using the handle keeps the descriptor open until it returns (SafeHandle counts uses).
        removed?.Dispose();
        try
        {
            File.Delete(SegmentPath(segment));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // As FASTER's device: a segment that cannot be deleted is left behind, below the log's begin address.
        }
    }

    /// <inheritdoc />
    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        RemoveSegment(segment);
        callback(result);
    }

    /// <inheritdoc />
    public override long GetFileSize(int segment)
    {
        if (segmentSize > 0)
        {
            return segmentSize;
        }

        var file = new FileInfo(SegmentPath(segment));
        return file.Exists ? file.Length : 0;
    }

    /// <inheritdoc />
    public override void Reset()
    {
        lock (_gate)
        {
            foreach (var segment in _segments.Values)
            {
                segment.Dispose();
            }

            _segments.Clear();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        Reset();
    }

    private string SegmentPath(int segment) => GetSegmentFilename(FileName, segment);

    private static bool SyncSegment(Segment segment)
    {
        try
        {
            RandomAccess.FlushToDisk(segment.Handle);
            return true;
        }
        catch (ObjectDisposedException)
        {
            // Removed meanwhile: FASTER removes a segment only after a commit recorded a begin address past it, so its
            // writes are no longer needed.
            return false;
        }
    }

    /// <summary>The open segment, opening (and with <paramref name="create"/>, creating) its file; null when absent.</summary>
    private Segment? GetSegment(int id, bool create)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_segments.TryGetValue(id, out var segment))
            {
                return segment;
            }

            var path = SegmentPath(id);
            var exists = File.Exists(path);
            if (!exists && !create)
            {
                return null;
            }

            var handle = File.OpenHandle(path, exists ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            if (_dataSync)
            {
                segment = OpenDataSyncSegment(path, handle, created: !exists);
            }
            else
            {
                segment = new Segment(handle, _direct ? DirectFile.TryOpenForWrite(path) : null, dataSync: null);
                _directoryDirty |= !exists;
            }

            _segments.Add(id, segment);
            return segment;
        }
    }

    private static uint ErrorCode(Exception ex) => ex is IOException { HResult: not 0 } io ? (uint)(io.HResult & 0xFFFF) : uint.MaxValue;

    /// <summary>
    /// An open segment file: its read-write handle, its direct write handle when it has one, its data-synchronous write
    /// handle on a data-sync device, and whether it has writes not yet synced (0 or 1). Syncing the read-write handle
    /// covers the direct one's writes: both name the same inode.
    /// </summary>
    private sealed class Segment(SafeFileHandle handle, SafeFileHandle? direct, SafeFileHandle? dataSync) : IDisposable
    {
        public readonly SafeFileHandle Handle = handle;
        public readonly SafeFileHandle? Direct = direct;
        public readonly SafeFileHandle? DataSync = dataSync;
        public int Dirty;

        /// <summary>On a data-sync device, the file's length: written (zeros or data) and durable up to here. Touched only by the write drain.</summary>
        public long Allocated;

        public void Dispose()
        {
            Direct?.Dispose();
            DataSync?.Dispose();
            Handle.Dispose();
        }
    }
}
