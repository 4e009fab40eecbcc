using Microsoft.Win32.SafeHandles;
using Tern.Engine.Storage;

namespace Tern.Engine.Pull;

/// <summary>
/// The message store's commit log, <c>messages/commits.log</c> (docs/ARCHITECTURE.md §5.2): the records of messages
/// committed (and of those deleted) since the store's last checkpoint. Appends are group committed: the records that
/// arrive while a write runs go out together in the next one, a single data-synchronous write into space the file
/// already holds (zeros written ahead), so a commit waits on the disk once and no file size or block allocation rides
/// on it. A checkpoint replaces the file with the records it keeps. Thread-safe.
/// </summary>
internal sealed class MessageCommitLog : IDisposable
{
    public const string FileName = "commits.log";

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
    private bool _flusherRunning;
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
            var durable = _batchDurable.Task;
            if (!_flusherRunning)
            {
                _flusherRunning = true;
                _ = Task.Run(FlushLoop, CancellationToken.None);
            }

            return durable;
        }
    }

    /// <summary>
    /// Replaces the file with the records written to it except <paramref name="drop"/> (the very arrays appended). What
    /// is queued and not yet written stays queued for the next write. Blocks appends' writes while it runs.
    /// </summary>
    public void Compact(IReadOnlySet<byte[]> drop)
    {
        lock (_writeLock)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
            }

            var keep = _written.FindAll(record => !drop.Contains(record));
            long length;
            long allocated;
            SafeFileHandle file;
            try
            {
                (length, allocated) = Rewrite(_path, keep, _durable, _zeroAhead);
                file = Open(_path, _durable);
            }
            catch (Exception ex)
            {
                // The old file is whole (the rewrite renames over it only once written) but may no longer be the one at
                // the path: no commit goes on until a restart replays whichever is there.
                lock (_gate)
                {
                    _fault ??= ex;
                }

                throw;
            }

            _file.Dispose();
            _written = keep;
            lock (_gate)
            {
                _file = file;
                _length = length;
                _allocated = allocated;
            }
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
            }

            _file.Dispose();
        }
    }

    private void FlushLoop()
    {
        while (true)
        {
            List<byte[]> batch;
            TaskCompletionSource durable;
            lock (_gate)
            {
                if (_batch.Count == 0 || _fault is not null || _disposed)
                {
                    _flusherRunning = false;
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
        var size = 0;
        foreach (var record in batch)
        {
            size += record.Length;
        }

        var buffer = new byte[size];
        var at = 0;
        foreach (var record in batch)
        {
            record.CopyTo(buffer, at);
            at += record.Length;
        }

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_length + size > _allocated)
            {
                // Rare: a burst between two checkpoints outran the zeros. The fill is one more wait, then every write
                // until the next checkpoint overwrites allocated blocks again.
                var end = _length + size + _zeroAhead;
                var fill = new List<ReadOnlyMemory<byte>>();
                for (var from = _allocated; from < end; from += Zeros.Length)
                {
                    fill.Add(Zeros.AsMemory(0, (int)Math.Min(Zeros.Length, end - from)));
                }

                RandomAccess.Write(_file, fill, _allocated);
                _allocated = end;
            }

            RandomAccess.Write(_file, buffer, _length);
            _written.AddRange(batch);
            Writes++;
            lock (_gate)
            {
                _length += size;
            }
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
