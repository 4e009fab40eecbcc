using FASTER.core;

namespace Tern.Engine.Storage;

internal sealed partial class SegmentFileDevice
{
    /// <summary>
    /// Writes go to one queue, drained by one pool thread at a time: off the caller's thread, so the copy into the page
    /// cache runs beside the writer's own work, and one after another, because two buffered writes to one file queue on
    /// its inode lock (docs/ARCHITECTURE.md §3.1). The drain completes each write as soon as it is done.
    /// </summary>
    private void QueueWrite(int segmentId, IntPtr source, ulong offset, uint length, DeviceIOCompletionCallback callback, object context)
    {
        _writes.Enqueue(Rent(segmentId, source, offset, length, callback, context));
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_drain, preferLocal: false);
        }
    }

    /// <summary>A read may wait for the disk, so each runs and completes on the pool by itself.</summary>
    private void QueueRead(int segmentId, IntPtr destination, ulong offset, uint length, DeviceIOCompletionCallback callback, object context)
        => ThreadPool.UnsafeQueueUserWorkItem(Rent(segmentId, destination, offset, length, callback, context), preferLocal: false);

    private void DrainWrites()
    {
        while (true)
        {
            while (_writes.TryDequeue(out var io))
            {
                var bytes = Write(io, out var errorCode);
                Complete(io, bytes, errorCode);
            }

            // Another write may have been queued after the last dequeue and before the flag fell: take it over.
            Volatile.Write(ref _draining, 0);
            if (_writes.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private DeviceIo Rent(int segmentId, IntPtr memory, ulong offset, uint length, DeviceIOCompletionCallback callback, object context)
    {
        if (!_ioPool.TryDequeue(out var io))
        {
            io = new DeviceIo(this);
        }

        io.SegmentId = segmentId;
        io.Memory = memory;
        io.Offset = (long)offset;
        io.Length = length;
        io.Callback = callback;
        io.Context = context;
        return io;
    }

    private void Complete(DeviceIo io, uint bytes, uint errorCode)
    {
        var callback = io.Callback!;
        var context = io.Context!;
        io.Callback = null;
        io.Context = null;
        _ioPool.Enqueue(io);
        callback(errorCode, bytes, context);
    }

    private unsafe uint Write(DeviceIo io, out uint errorCode)
    {
        try
        {
            var segment = GetSegment(io.SegmentId, create: true)!;
            var source = new ReadOnlySpan<byte>((void*)io.Memory, (int)io.Length);
            if (segment.DataSync is { } dataSync)
            {
                WriteDataSync(segment, dataSync, source, io);
                errorCode = 0;
                return io.Length;
            }

            if (segment.Direct is { } direct && io.Length >= _directMinBytes && DirectFile.IsAligned(io.Memory, io.Offset, io.Length))
            {
                RandomAccess.Write(direct, source, io.Offset);
                Interlocked.Increment(ref _directWrites);
            }
            else
            {
                RandomAccess.Write(segment.Handle, source, io.Offset);
                if (_startWriteback)
                {
                    FileSync.StartWriteback(segment.Handle, io.Offset, io.Length);
                }
            }

            // Marked only once the write returned, so a flush that sees the mark covers it.
            Volatile.Write(ref segment.Dirty, 1);

            errorCode = 0;
            return io.Length;
        }
        catch (Exception ex)
        {
            errorCode = ErrorCode(ex);
            return 0;
        }
    }

    private unsafe uint Read(DeviceIo io, out uint errorCode)
    {
        try
        {
            // A read past the end of a segment (or of one never written) returns what is there, as FASTER's device does.
            var span = new Span<byte>((void*)io.Memory, (int)io.Length);
            var read = 0;
            if (GetSegment(io.SegmentId, create: false) is { } source)
            {
                while (read < span.Length)
                {
                    var n = RandomAccess.Read(source.Handle, span[read..], io.Offset + read);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }
            }

            // The rest zeroed: a recovery scanning forward past the log's end (fast commit, SegmentFileDevice.DataSync.cs)
            // reads into a frame that may still hold an earlier page, and must find the end there, not stale entries.
            span[read..].Clear();
            errorCode = 0;
            return (uint)read;
        }
        catch (Exception ex)
        {
            errorCode = ErrorCode(ex);
            return 0;
        }
    }

    /// <summary>One read or write; pooled, so a page flush allocates nothing. Run as a work item, it is a read.</summary>
    private sealed class DeviceIo(SegmentFileDevice device) : IThreadPoolWorkItem
    {
        public int SegmentId;
        public IntPtr Memory;
        public long Offset;
        public uint Length;
        public DeviceIOCompletionCallback? Callback;
        public object? Context;

        public void Execute()
        {
            var bytes = device.Read(this, out var errorCode);
            device.Complete(this, bytes, errorCode);
        }
    }

    /// <summary>The one work item that drains the write queue.</summary>
    private sealed class WriteDrain(SegmentFileDevice device) : IThreadPoolWorkItem
    {
        public void Execute() => device.DrainWrites();
    }
}
