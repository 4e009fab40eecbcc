using FASTER.core;

namespace Tern.Engine.Storage;

internal sealed partial class PageCacheSegmentDevice
{
    /// <summary>
    /// A write runs on the caller's thread — a copy into the page cache, FASTER's page still hot in that core's cache —
    /// and only its completion goes to the pool. With every write handed to the pool instead, the 4 MiB <c>pwrite</c>s
    /// of one segment ran side by side, queued on the file's inode lock, and each took several times longer
    /// (docs/ARCHITECTURE.md §3.1).
    /// </summary>
    private void QueueWrite(int segmentId, IntPtr source, ulong offset, uint length, DeviceIOCompletionCallback callback, object context)
    {
        var io = Rent(segmentId, source, offset, length, callback, context);
        io.Bytes = Write(io, out io.ErrorCode);
        io.Completed = true;
        ThreadPool.UnsafeQueueUserWorkItem(io, preferLocal: false);
    }

    /// <summary>A read may wait for the disk, so it runs on the pool as well as its completion.</summary>
    private void QueueRead(int segmentId, IntPtr destination, ulong offset, uint length, DeviceIOCompletionCallback callback, object context)
    {
        var io = Rent(segmentId, destination, offset, length, callback, context);
        ThreadPool.UnsafeQueueUserWorkItem(io, preferLocal: false);
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

    private unsafe uint Write(DeviceIo io, out uint errorCode)
    {
        try
        {
            var segment = GetSegment(io.SegmentId, create: true)!;
            RandomAccess.Write(segment.Handle, new ReadOnlySpan<byte>((void*)io.Memory, (int)io.Length), io.Offset);

            // Marked only once the bytes are in the page cache, so a flush that sees the mark covers them.
            Volatile.Write(ref segment.Dirty, 1);
            if (_startWriteback)
            {
                FileSync.StartWriteback(segment.Handle, io.Offset, io.Length);
            }

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

            errorCode = 0;
            return (uint)read;
        }
        catch (Exception ex)
        {
            errorCode = ErrorCode(ex);
            return 0;
        }
    }

    /// <summary>One read, or one write's completion; pooled, so a page flush allocates nothing.</summary>
    private sealed class DeviceIo(PageCacheSegmentDevice device) : IThreadPoolWorkItem
    {
        public int SegmentId;
        public IntPtr Memory;
        public long Offset;
        public uint Length;
        public DeviceIOCompletionCallback? Callback;
        public object? Context;

        /// <summary>Set for a write done on the caller's thread: only the callback is left.</summary>
        public bool Completed;
        public uint Bytes;
        public uint ErrorCode;

        public void Execute()
        {
            uint bytes, errorCode;
            if (Completed)
            {
                (bytes, errorCode) = (Bytes, ErrorCode);
            }
            else
            {
                bytes = device.Read(this, out errorCode);
            }

            var callback = Callback!;
            var context = Context!;
            Callback = null;
            Context = null;
            Completed = false;
            device._ioPool.Enqueue(this);
            callback(errorCode, bytes, context);
        }
    }
}
