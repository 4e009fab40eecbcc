using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace Tern.Engine.Pending;

/// <summary>
/// FASTER's managed log device (wrapped: it is sealed), with each read also handed to the kernel as read-ahead (<c>posix_fadvise</c>
/// <c>WILLNEED</c>) on the caller's thread before the device queues it. The device's reads are blocking <c>pread</c>s
/// on the thread pool, one pool thread each, and a two-core pool runs about two at once: a poll's window of 50 reads off
/// the page cache then waits for 25 disk reads one after another (perf-reports/profile-poll-100m.md). With the hint the
/// disk has them all queued at once, and each <c>pread</c> finds its page read or on its way. Only a hint: a refused one
/// changes nothing, and a page already cached costs one look-up.
/// </summary>
internal sealed partial class ReadAheadDevice : StorageDeviceBase
{
    private const int PosixFadviseWillNeed = 3;

    // FASTER's managed device on Linux assumes 512-byte sectors; the files are laid out as that device lays them.
    private const uint SectorSize512 = 512;

    private readonly IDevice _device;
    private readonly ConcurrentDictionary<int, SafeFileHandle> _segments = new();
    private int _disposed;

    private ReadAheadDevice(string path)
        : base(path, SectorSize512, Devices.CAPACITY_UNSPECIFIED)
    {
        _device = Devices.CreateLogDevice(path, preallocateFile: false, deleteOnClose: false);
    }

    /// <summary>The device for the pending table's store at <paramref name="path"/>: this one on Linux when asked, FASTER's own otherwise.</summary>
    public static IDevice Create(string path, bool readAhead)
        => readAhead && OperatingSystem.IsLinux()
            ? new ReadAheadDevice(path)
            : Devices.CreateLogDevice(path, preallocateFile: false, deleteOnClose: false);

    public override void Initialize(long segmentSize, LightEpoch epoch = null!, bool omitSegmentIdFromFilename = false)
    {
        base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
        _device.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
    }

    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context)
    {
        if (Segment(segmentId) is { } segment)
        {
            try
            {
                _ = PosixFadvise(segment, (long)sourceAddress, readLength, PosixFadviseWillNeed);
            }
            catch (ObjectDisposedException)
            {
                // The segment was removed meanwhile: only a hint was lost, the device's read says what is there.
            }
        }

        _device.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
        => _device.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);

    public override bool Throttle() => _device.Throttle();

    public override bool TryComplete() => _device.TryComplete();

    public override long GetFileSize(int segment) => _device.GetFileSize(segment);

    public override void Reset() => _device.Reset();

    public override void RemoveSegment(int segment)
    {
        Forget(segment);
        _device.RemoveSegment(segment);
    }

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        Forget(segment);
        _device.RemoveSegmentAsync(segment, callback, result);
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var handle in _segments.Values)
            {
                handle.Dispose();
            }

            _segments.Clear();
            _device.Dispose();
        }
    }

    // A handle of our own per segment: the page cache is the file's, so read-ahead through it serves the device's reads.
    private SafeFileHandle? Segment(int segmentId)
    {
        if (_segments.TryGetValue(segmentId, out var handle))
        {
            return handle;
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            return null;
        }

        try
        {
            handle = File.OpenHandle(GetSegmentFilename(FileName, segmentId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // not written yet: the device's read finds nothing either
        }

        if (!_segments.TryAdd(segmentId, handle))
        {
            handle.Dispose();
            return _segments.TryGetValue(segmentId, out var other) ? other : null;
        }

        return handle;
    }

    private void Forget(int segment)
    {
        if (_segments.TryRemove(segment, out var handle))
        {
            handle.Dispose();
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(SafeFileHandle fd, long offset, long length, int advice);
}
