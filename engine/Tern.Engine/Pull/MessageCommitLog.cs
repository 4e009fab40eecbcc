using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Tern.Engine.Storage;

namespace Tern.Engine.Pull;

/// <summary>
/// The message store's commit log, <c>messages/commits.log</c> (docs/ARCHITECTURE.md §5.2): the records of messages
/// committed (and of those deleted) since the store's last checkpoint. Appends are group committed: the records that
/// arrive while a write runs go out together in the next one, a single data-synchronous write into space the file
/// already holds (zeros written ahead), so a commit waits on the disk once and no file size or block allocation rides
/// on it. The writes run on the log's own thread, not the pool's: a data-synchronous write blocks its thread for the
/// disk's time and under a campaign's pulls they follow each other without a break, so on the pool they would take one
/// of a small machine's few threads from the continuations that list a stored message. A checkpoint replaces the file
/// with the records it keeps. Thread-safe.
/// </summary>
internal sealed class MessageCommitLog : IDisposable
{
    public const string FileName = "commits.log";

    /// <summary>The new file a compaction writes beside the log before renaming it over; one a crash left is removed at open.</summary>
    private const string CompactingSuffix = ".compacting";

    /// <summary>A compaction copies what was appended meanwhile without holding appends until this little is left.</summary>
    private const int CatchUpBytes = 256 * 1024;

    private static readonly byte[] Zeros = new byte[64 * 1024];

    private readonly object _gate = new();
    private readonly object _writeLock = new();
    private readonly string _path;
    private readonly bool _durable;
    private readonly int _zeroAhead;
    private SafeFileHandle _file;
    private long _length;
    private long _allocated;
    private List<byte[]> _written;
    private List<byte[]> _batch = [];
    private List<byte[]> _spare = [];
    private TaskCompletionSource _batchDurable = NewBatch();
    private Exception? _fault;
    private bool _disposed;

    private MessageCommitLog(string path, bool durable, int zeroAhead, SafeFileHandle file, long length, long allocated, List<byte[]> written)
    {
        _written = written;
        _path = path;
        _durable = durable;
        _zeroAhead = zeroAhead;
        _file = file;
        _length = length;
        _allocated = allocated;
        new Thread(FlushLoop) { IsBackground = true, Name = "tern-message-commits" }.Start();
    }

    /// <summary>Bytes of records in the file (what a checkpoint weighs).</summary>
    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    /// <summary>Data-synchronous writes made since open.</summary>
    public long Writes { get; private set; }

    /// <summary>Of <see cref="Writes"/>, those made on a thread-pool thread (tests: none should be).</summary>
    public long WritesOnPool { get; private set; }

    /// <summary>
    /// Reads the records of the log in <paramref name="directory"/> (none when there is no file), in the order written,
    /// up to the first torn or damaged one.
    /// </summary>
    public static List<MessageCommitRecord> Replay(string directory)
    {
        var records = new List<MessageCommitRecord>();
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return records;
        }

        var bytes = File.ReadAllBytes(path);
        var offset = 0;
        while (offset < bytes.Length)
        {
            var length = MessageCommitCodec.TryRead(bytes.AsSpan(offset), out var record);
            if (length == 0)
            {
                break;
            }

            records.Add(record!);
            offset += length;
        }

        return records;
    }

    /// <summary>Replaces the log in <paramref name="directory"/> with <paramref name="keep"/> and opens it for appends.</summary>
    public static MessageCommitLog Create(string directory, IEnumerable<byte[]> keep, bool durable, int zeroAhead)
    {
        var path = Path.Combine(directory, FileName);
        File.Delete(path + CompactingSuffix);
        var written = keep.ToList();
        var (length, allocated) = Rewrite(path, written, durable, zeroAhead);
        return new MessageCommitLog(path, durable, zeroAhead, Open(path, durable), length, allocated, written);
    }

    /// <summary>Appends <paramref name="record"/>; completes once it is durable (with the others of its write).</summary>
    /// <exception cref="IOException">The log could not be written (then or before): nothing more is committed.</exception>
    public Task AppendAsync(byte[] record)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_fault is not null)
            {
                throw new IOException($"The message commit log '{_path}' could not be written; no message is committed.", _fault);
            }

            _batch.Add(record);
            if (_batch.Count == 1)
            {
                Monitor.Pulse(_gate);
            }

            return _batchDurable.Task;
        }
    }

    /// <summary>
    /// Replaces the file with the records written to it except <paramref name="drop"/> (the very arrays appended). The
    /// kept records and the zeros ahead go to a new file while appends go on to the old one; the records appended
    /// meanwhile are copied after them, and only the last of those, the rename and the directory's flush hold appends'
    /// writes. Under a campaign the records a checkpoint keeps (those appended while it flushed the files of the ones it
    /// drops) were megabytes of inline blobs, and copying them under the write lock held every commit for as long: a
    /// legitimate 1 KiB message waited 432 ms behind a 541 ms rewrite.
    /// </summary>
    public void Compact(IReadOnlySet<byte[]> drop)
    {
        List<byte[]> keep;
        int copied;
        lock (_writeLock)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
            }

            keep = _written.FindAll(record => !drop.Contains(record));
            copied = _written.Count;
        }

        var temporary = _path + CompactingSuffix;
        SafeFileHandle? file = null;
        var renamed = false;
        try
        {
            var (length, allocated) = WriteNew(temporary, keep, _durable, _zeroAhead);
            file = Open(temporary, _durable);
            while (true)
            {
                List<byte[]> tail;
                lock (_writeLock)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    // Only appends' writes add to the list while this runs (one compaction at a time replaces it).
                    tail = _written.GetRange(copied, _written.Count - copied);
                    copied = _written.Count;
                    if (Size(tail) <= CatchUpBytes)
                    {
                        // The last few records, then the swap: appends wait for this much only.
                        length += WriteAt(file, tail, length, ref allocated);
                        keep.AddRange(tail);
                        File.Move(temporary, _path, overwrite: true);
                        renamed = true;
                        if (_durable)
                        {
                            DirectorySync.Flush(Path.GetDirectoryName(_path)!);
                        }

                        _file.Dispose();
                        _written = keep;
                        lock (_gate)
                        {
                            _file = file;
                            _length = length;
                            _allocated = allocated;
                        }

                        file = null;
                        return;
                    }
                }

                length += WriteAt(file, tail, length, ref allocated);
                keep.AddRange(tail);
            }
        }
        catch (Exception ex)
        {
            file?.Dispose();
            if (renamed)
            {
                // The new file is at the path but its rename may not be durable: no commit goes on until a restart
                // replays whichever file is there.
                lock (_gate)
                {
                    _fault ??= ex;
                }
            }
            else
            {
                // The old file is whole and still the log: appends go on into it, the next checkpoint tries again.
                TryDelete(temporary);
            }

            throw;
        }
    }

    public void Dispose()
    {
        lock (_writeLock)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                Monitor.Pulse(_gate);
            }

            _file.Dispose();
        }
    }

    /// <summary>The log's thread: writes what was appended while the last write ran, as one write, until disposed or failed.</summary>
    private void FlushLoop()
    {
        while (true)
        {
            List<byte[]> batch;
            TaskCompletionSource durable;
            lock (_gate)
            {
                while (_batch.Count == 0 && _fault is null && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_fault is not null || _disposed)
                {
                    if (_batch.Count > 0)
                    {
                        _batchDurable.TrySetException(new ObjectDisposedException(nameof(MessageCommitLog)));
                    }

                    return;
                }

                batch = _batch;
                _batch = _spare;
                durable = _batchDurable;
                _batchDurable = NewBatch();
            }

            try
            {
                Write(batch);
                durable.TrySetResult();
            }
#pragma warning disable CA1031 // A failed write fails its commits and every later one.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                lock (_gate)
                {
                    _fault ??= ex;
                }

                durable.TrySetException(new IOException($"The message commit log '{_path}' could not be written; the message is not committed.", ex));
            }
            finally
            {
                lock (_gate)
                {
                    batch.Clear();
                    _spare = batch;
                }
            }
        }
    }

    /// <summary>One write of the whole batch at the tail, into zeros written ahead (more of them first when it would not fit).</summary>
    private void Write(List<byte[]> batch)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var size = WriteAt(_file, batch, _length, ref _allocated);
            _written.AddRange(batch);
            Writes++;
            WritesOnPool += Thread.CurrentThread.IsThreadPoolThread ? 1 : 0;
            lock (_gate)
            {
                _length += size;
            }
        }
    }

    /// <summary>
    /// One write of <paramref name="records"/> at <paramref name="at"/>, gathered into a pooled buffer, into zeros written
    /// ahead (more of them first when it would not fit); returns the bytes written.
    /// </summary>
    private long WriteAt(SafeFileHandle file, List<byte[]> records, long at, ref long allocated)
    {
        var size = Size(records);
        if (size == 0)
        {
            return 0;
        }

        if (at + size > allocated)
        {
            // Rare: a burst between two checkpoints outran the zeros. The fill is one more wait, then every write
            // until the next checkpoint overwrites allocated blocks again.
            var end = at + size + _zeroAhead;
            var fill = new List<ReadOnlyMemory<byte>>();
            for (var from = allocated; from < end; from += Zeros.Length)
            {
                fill.Add(Zeros.AsMemory(0, (int)Math.Min(Zeros.Length, end - from)));
            }

            RandomAccess.Write(file, fill, allocated);
            allocated = end;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var offset = 0;
            foreach (var record in records)
            {
                record.CopyTo(buffer, offset);
                offset += record.Length;
            }

            RandomAccess.Write(file, buffer.AsSpan(0, size), at);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return size;
    }

    private static int Size(List<byte[]> records)
    {
        var size = 0;
        foreach (var record in records)
        {
            size += record.Length;
        }

        return size;
    }

    /// <summary>Writes <paramref name="keep"/> and the zeros ahead to <paramref name="path"/> (a new file, flushed when durable), not yet the log.</summary>
    private static (long Length, long Allocated) WriteNew(string path, List<byte[]> keep, bool durable, int zeroAhead)
    {
        long length = 0;
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            foreach (var record in keep)
            {
                stream.Write(record);
                length += record.Length;
            }

            for (var left = zeroAhead; left > 0; left -= Zeros.Length)
            {
                stream.Write(Zeros, 0, Math.Min(left, Zeros.Length));
            }

            stream.Flush(flushToDisk: durable);
        }

        return (length, length + zeroAhead);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next open to remove.
        }
    }

    /// <summary>Writes <paramref name="keep"/> and the zeros ahead to a new file and renames it over the log (durably).</summary>
    private static (long Length, long Allocated) Rewrite(string path, List<byte[]> keep, bool durable, int zeroAhead)
    {
        long length = 0;
        void Write(Stream stream)
        {
            foreach (var record in keep)
            {
                stream.Write(record);
                length += record.Length;
            }

            // From one shared block of zeros: a checkpoint a second allocates no buffer of the fill's size.
            for (var left = zeroAhead; left > 0; left -= Zeros.Length)
            {
                stream.Write(Zeros, 0, Math.Min(left, Zeros.Length));
            }
        }

        if (durable)
        {
            AtomicFile.Write(path, Write);
        }
        else
        {
            var temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }

        return (length, length + zeroAhead);
    }

    private static SafeFileHandle Open(string path, bool durable) =>
        durable ? DataSyncFile.OpenExisting(path) : File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);

    private static TaskCompletionSource NewBatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
