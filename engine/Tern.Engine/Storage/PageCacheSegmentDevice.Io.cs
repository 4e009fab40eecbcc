using FASTER.core;

namespace Tern.Engine.Storage;

internal sealed partial class PageCacheSegmentDevice
{
    private void Queue(bool isWrite, int segmentId, IntPtr memory, ulong offset, uint length, DeviceIOCompletionCallback callback, object context)
    {
        if (!_ioPool.TryDequeue(out var io))
        {
            io = new DeviceIo(this);
        }

        io.IsWrite = isWrite;
        io.SegmentId = segmentId;
        io.Memory = memory;
        io.Offset = (long)offset;
        io.Length = length;
        io.Callback = callback;
        io.Context = context;
        ThreadPool.UnsafeQueueUserWorkItem(io, preferLocal: false);
    }

    private unsafe uint Execute(DeviceIo io, out uint errorCode)
    {
        try
        {
            var span = new Span<byte>((void*)io.Memory, (int)io.Length);
            if (io.IsWrite)
            {
                var segment = GetSegment(io.SegmentId, create: true)!;
                RandomAccess.Write(segment.Handle, span, io.Offset);

                // Marked only once the bytes are in the page cache, so a flush that sees the mark covers them.
                Volatile.Write(ref segment.Dirty, 1);
                if (_startWriteback)
                {
                    FileSync.StartWriteback(segment.Handle, io.Offset, io.Length);
                }

                errorCode = 0;
                return io.Length;
            }

            // A read past the end of a segment (or of one never written) returns what is there, as FASTER's device does.
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

    /// <summary>One queued read or write; pooled, so a page flush allocates nothing.</summary>
    private sealed class DeviceIo(PageCacheSegmentDevice device) : IThreadPoolWorkItem
    {
        public bool IsWrite;
        public int SegmentId;
        public IntPtr Memory;
        public long Offset;
        public uint Length;
        public DeviceIOCompletionCallback? Callback;
        public object? Context;

        public void Execute()
        {
            var bytes = device.Execute(this, out var errorCode);
            var callback = Callback!;
            var context = Context!;
            Callback = null;
            Context = null;
            device._ioPool.Enqueue(this);
            callback(errorCode, bytes, context);
        }
    }
}
