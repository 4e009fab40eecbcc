using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Storage;

/// <summary>
/// The data-sync device (docs/ARCHITECTURE.md §3.1): every write is durable when its completion runs, which is what
/// FasterLog's fast commit needs — its commit record is in the log, and the commit completes when the write of the page
/// holding it does. Three things make a completed write readable after a crash, not only its bytes on the disk: the
/// segment's name in its directory (synced when the file is created, before any write to it), the file's length and
/// the blocks behind it. An <c>O_DSYNC</c> write that grows a file, or fills a hole, must also write the inode before it
/// returns; so the tail of each segment is filled with zeros ahead of the writes, <see cref="PreallocateBytes"/> at a
/// time, and made durable once, and a small commit's write is then an overwrite of allocated blocks: one wait on the
/// disk. A write of <see cref="DirectMinBytes"/> or more that starts within the file (a large blob's full page) grows
/// it itself, rather than being written twice.
/// </summary>
internal sealed partial class SegmentFileDevice
{
    /// <summary>Zeros written ahead of the tail of a data-sync segment at a time (fewer for the segment's last bytes).</summary>
    public const int PreallocateBytes = 4 << 20;

    private static readonly Lazy<byte[]> Zeros = new(() => new byte[1 << 20]);
    private long _preallocations;

    /// <summary>Whether every write is durable when it completes (FasterLog's fast commit runs on it).</summary>
    public bool IsDataSync => _dataSync;

    /// <summary>Times a data-sync device filled a segment's tail with zeros and made it durable.</summary>
    public long Preallocations => Interlocked.Read(ref _preallocations);

    /// <summary>
    /// Drops what a reopened fast-commit log holds past its recovered tail: the tail segment is cut at the end of the
    /// tail's sector, the rest of that sector zeroed, and the segments after it deleted, durably, before the log writes
    /// again.
    /// Recovery scans forward for commit records, and a crash can leave pages past the tail that were written but never
    /// committed (written after the last commit, or ahead of an earlier write that never completed); once new entries end
    /// just before such a page, a later recovery would scan into it and could take a stale commit record for a new one.
    /// </summary>
    public void DiscardPast(long tailAddress)
    {
        if (segmentSize <= 0)
        {
            throw new InvalidOperationException("The device has no segment size yet (FasterLog sets it when it opens the log).");
        }

        var tailSegment = tailAddress / segmentSize;
        var keep = ((tailAddress % segmentSize) + DirectFile.Alignment - 1) & ~(long)(DirectFile.Alignment - 1);
        var prefix = Path.GetFileName(FileName) + ".";
        var deleted = false;
        foreach (var path in Directory.EnumerateFiles(_directory, prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(path).AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > tailSegment)
            {
                Segment? open;
                lock (_gate)
                {
                    _segments.Remove(id, out open);
                }

                open?.Dispose();
                File.Delete(path);
                deleted = true;
            }
        }

        var tailOffset = tailAddress % segmentSize;
        if (GetSegment((int)tailSegment, create: false) is { } segment && RandomAccess.GetLength(segment.Handle) > tailOffset)
        {
            // The rest of the tail's sector zeroed too: nothing past the tail is left to read.
            var end = Math.Min(keep, RandomAccess.GetLength(segment.Handle));
            RandomAccess.SetLength(segment.Handle, end);
            RandomAccess.Write(segment.Handle, Zeros.Value.AsSpan(0, (int)(end - tailOffset)), tailOffset);
            RandomAccess.FlushToDisk(segment.Handle);
            segment.Allocated = end;
        }

        if (deleted)
        {
            DirectorySync.Flush(_directory);
        }
    }

    /// <summary>The segment of a data-sync device: a new file's name made durable first, then its data-synchronous handles.</summary>
    private Segment OpenDataSyncSegment(string path, SafeFileHandle handle, bool created)
    {
        SafeFileHandle? dataSync = null;
        SafeFileHandle? direct = null;
        try
        {
            if (created)
            {
                DirectorySync.Flush(_directory);
            }

            dataSync = DataSyncFile.OpenExisting(path);
            direct = _direct ? DirectFile.TryOpenForDataSyncWrite(path) : null;
            return new Segment(handle, direct, dataSync) { Allocated = RandomAccess.GetLength(handle) };
        }
        catch
        {
            direct?.Dispose();
            dataSync?.Dispose();
            handle.Dispose();
            throw;
        }
    }

    private unsafe void WriteDataSync(Segment segment, SafeFileHandle dataSync, ReadOnlySpan<byte> source, DeviceIo io)
    {
        var end = io.Offset + io.Length;
        if (segment.Direct is { } direct && io.Length >= _directMinBytes && DirectFile.IsAligned(io.Memory, io.Offset, io.Length))
        {
            if (io.Offset > segment.Allocated)
            {
                Preallocate(segment, io.Offset);
            }

            RandomAccess.Write(direct, source, io.Offset);
            Interlocked.Increment(ref _directWrites);
        }
        else
        {
            if (end > segment.Allocated)
            {
                Preallocate(segment, end);
            }

            RandomAccess.Write(dataSync, source, io.Offset);
        }

        segment.Allocated = Math.Max(segment.Allocated, end);
    }

    /// <summary>Fills the segment with zeros from its length to at least <paramref name="until"/> and syncs it (data and length).</summary>
    private void Preallocate(Segment segment, long until)
    {
        var target = Math.Max(until, segment.Allocated + PreallocateBytes);
        target = (target + DirectFile.Alignment - 1) & ~(long)(DirectFile.Alignment - 1);
        if (segmentSize > 0)
        {
            target = Math.Max(until, Math.Min(target, segmentSize));
        }

        var zeros = Zeros.Value;
        for (var at = segment.Allocated; at < target; at += zeros.Length)
        {
            RandomAccess.Write(segment.Handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, target - at)), at);
        }

        RandomAccess.FlushToDisk(segment.Handle);
        segment.Allocated = target;
        Interlocked.Increment(ref _preallocations);
    }
}
