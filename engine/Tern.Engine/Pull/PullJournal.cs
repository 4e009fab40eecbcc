using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Engine.Pull;

/// <summary>
/// The recipient's durable record of every pull begun (docs/ARCHITECTURE.md §5.6, PROTOCOL.md §9): one append-only
/// file of begun and ended records. A sender counts a delivery fetched once its last byte is written, so a pull whose
/// reference lived only in the pending table's memory, cut by a crash after that byte and before the message store's
/// commit, would be lost on both sides. A pull's begun record is durable before its first fetch is sent; pulls that begin
/// together share one data-synchronous write (group commit). An ended record needs no sync: lost, the next start finds
/// the message stored, or pulls again what it must. At open the file is replayed (begun without ended: pulls to resume,
/// <see cref="Unfinished"/>), expired references are dropped, and the file is rewritten with only what is open.
/// Thread-safe.
/// </summary>
public sealed partial class PullJournal : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<FetchCapability, OpenPull> _open = [];

    // Ended pulls whose begun record carries an annotation its maker has not yet made durable on its own: a rewrite keeps
    // their records (with an ended one) so a crash cannot lose the line. Pruned of flushed ones as it grows.
    private readonly Dictionary<FetchCapability, OpenPull> _kept = [];
    private readonly List<PullAnnotation> _recovered = [];
    private int _keptPruneAt = 64;
    private bool _compactSoon;
    private readonly PullJournalOptions _options;
    private readonly ILogger _logger;
    private readonly string _path;
    private SafeFileHandle _file;
    private long _length;
    private ArrayBufferWriter<byte> _batch = new(4096);
    private ArrayBufferWriter<byte> _spare = new(4096);
    private TaskCompletionSource _batchDurable = NewBatch();
    private bool _batchHasBegun;
    private Task _flushing = Task.CompletedTask;
    private bool _flusherRunning;
    private Exception? _fault;
    private bool _disposed;
    private long _writes;

    private PullJournal(PullJournalOptions options, ILogger logger, string path, SafeFileHandle file, long length, IReadOnlyList<UnfinishedPull> unfinished,
        IReadOnlyList<ReadOnlyMemory<byte>> recoveredAnnotations)
    {
        _options = options;
        _logger = logger;
        _path = path;
        _file = file;
        _length = length;
        Unfinished = unfinished;
        RecoveredAnnotations = recoveredAnnotations;
    }

    /// <summary>The pulls the last run began and did not end, as replayed at open (expired ones dropped).</summary>
    public IReadOnlyList<UnfinishedPull> Unfinished { get; }

    /// <summary>
    /// The annotations (<see cref="PullAnnotation.Line"/>) of the begun records found at open, the pull open, ended or expired:
    /// their maker may have lost them (a crash before it made them durable) and puts back those it lacks, then calls
    /// <see cref="ReleaseRecovered"/>. Until then every rewrite keeps them.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> RecoveredAnnotations { get; }

    /// <summary>Pulls begun and not yet ended.</summary>
    public int OpenCount
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Writes made to the file since open (each one data-synchronous when <see cref="PullJournalOptions.Durable"/>): what the pull path pays.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Opens (creating) the journal, replays it and rewrites it with the pulls still open.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public static PullJournal Open(PullJournalOptions options, TimeProvider? timeProvider = null, ILogger<PullJournal>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(options.DataDirectory);
        var path = Path.Combine(options.DataDirectory, PullJournalOptions.FileName);
        var nowMs = (timeProvider ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        var replayed = Replay(path, nowMs, out var ended, out var records, out var torn);
        var content = new ArrayBufferWriter<byte>(4096);
        var unfinished = new List<UnfinishedPull>(replayed.Count);
        var annotations = new List<ReadOnlyMemory<byte>>();
        foreach (var (pull, record, annotation) in replayed)
        {
            content.Write(record);
            unfinished.Add(pull);
            if (annotation is not null)
            {
                annotations.Add(annotation);
            }
        }

        // An ended (or expired) pull's annotation stays until its maker has it back: its begun record and an ended one.
        foreach (var (capability, record, annotation) in ended)
        {
            content.Write(record);
            PullJournalCodec.Ended(capability, content.GetSpan(PullJournalCodec.EndedSize));
            content.Advance(PullJournalCodec.EndedSize);
            annotations.Add(annotation);
        }

        Rewrite(path, content.WrittenSpan, options.Durable);
        var journal = new PullJournal(options, (ILogger?)logger ?? NullLogger.Instance, path, OpenHandle(path, options.Durable), content.WrittenCount, unfinished, annotations);
        foreach (var (pull, record, annotation) in replayed)
        {
            var recovered = annotation is null ? null : PullAnnotation.Recovered(annotation);
            journal._open[pull.Reference.Capability] = new OpenPull(record, Task.CompletedTask, recovered);
            if (recovered is not null)
            {
                journal._recovered.Add(recovered);
            }
        }

        foreach (var (capability, record, annotation) in ended)
        {
            var recovered = PullAnnotation.Recovered(annotation);
            journal._kept[capability] = new OpenPull(record, Task.CompletedTask, recovered);
            journal._recovered.Add(recovered);
        }

        PullLogMessages.JournalOpened(journal._logger, path, records, unfinished.Count, torn);
        return journal;
    }

    /// <summary>
    /// Records that a pull of <paramref name="reference"/> begins, and completes once the record is durable. A pull
    /// already open (a retry, a resumed pull) writes nothing and waits for its first record.
    /// </summary>
    /// <exception cref="IOException">The journal could not be written; the pull must not start.</exception>
    public Task BeginAsync(RecipientHash hash, PendingReference reference, CancellationToken cancellationToken = default)
        => BeginAsync(hash, reference, writeHere: false, cancellationToken);

    /// <summary>
    /// <see cref="BeginAsync(RecipientHash, PendingReference, CancellationToken)"/>; with <paramref name="writeHere"/>, when no
    /// write is under way, the record's write runs on the calling thread, which returns once it is durable (or failed). For
    /// a caller on a thread of its own with nothing queued behind it (the immediate-pull pump): the pool's writer would
    /// first wait for a pool thread to wake, a hop on the way to the fetch. With a write under way, or when this write would
    /// rewrite the file, the record is left to the pool's writer as always.
    /// </summary>
    internal Task BeginAsync(RecipientHash hash, PendingReference reference, bool writeHere, CancellationToken cancellationToken)
        => BeginAsync(hash, reference, writeHere, annotation: null, cancellationToken);

    /// <summary>
    /// <see cref="BeginAsync(RecipientHash, PendingReference, bool, CancellationToken)"/>; a record this call writes carries
    /// <paramref name="annotation"/>'s line when it can still take it (<see cref="PullAnnotation.Carried"/> then completes with
    /// the record's write). A pull already open, or an annotation released before, writes its record without it.
    /// </summary>
    internal Task BeginAsync(RecipientHash hash, PendingReference reference, bool writeHere, PullAnnotation? annotation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        lock (_gate)
        {
            ThrowIfUnusable();
            if (_open.TryGetValue(reference.Capability, out var open))
            {
                return open.Durable.WaitAsync(cancellationToken);
            }
        }

        // A reference the table accepted always encodes; one that did not could never have been filed.
        var carried = annotation is not null && annotation.TryClaim() ? annotation : null;
        var record = PullJournalCodec.Begun(hash, reference, carried is null ? default : carried.Line.Span);
        if (record is null)
        {
            carried?.NotCarried();
            throw new ArgumentException("The reference breaks the field limits of docs/PROTOCOL.md §4.2.", nameof(reference));
        }

        Task durable;
        TaskCompletionSource? writer = null;
        lock (_gate)
        {
            if (_disposed || _fault is not null || _open.ContainsKey(reference.Capability))
            {
                // No record of this call's will carry the line: its maker writes it its own way.
                carried?.NotCarried();
                carried = null;
            }

            ThrowIfUnusable();
            if (_open.TryGetValue(reference.Capability, out var open))
            {
                return open.Durable.WaitAsync(cancellationToken);
            }

            _batch.Write(record);
            _batchHasBegun = true;
            durable = _batchDurable.Task;
            _open.Add(reference.Capability, new OpenPull(record, durable, carried));
            if (!_flusherRunning)
            {
                _flusherRunning = true;

                // A write that rewrites the file (past CompactAfterBytes, or to drop what recovery held) is left to the
                // pool: it is many writes and a sync.
                if (writeHere && !_compactSoon && _length + _batch.WrittenCount <= _options.CompactAfterBytes)
                {
                    writer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _flushing = writer.Task;
                }
                else
                {
                    _flushing = Task.Run(FlushLoop, CancellationToken.None);
                }
            }
        }

        // Told once the batch is written (on the pool: the line's own writer never runs on this journal's writing thread).
        carried?.CarriedBy(durable);
        if (writer is not null)
        {
            WriteHere(writer);
        }

        return durable.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Records that the pull of <paramref name="capability"/> ended (stored, or given up for good). Not synced: the record
    /// rides the next begun record's write. A capability with no open pull writes nothing.
    /// </summary>
    public void End(FetchCapability capability)
    {
        Span<byte> record = stackalloc byte[PullJournalCodec.EndedSize];
        PullJournalCodec.Ended(capability, record);
        lock (_gate)
        {
            if (_disposed || !_open.Remove(capability, out var ended))
            {
                return;
            }

            _batch.Write(record);
            if (ended.Annotation is { IsFlushed: false })
            {
                Keep(capability, ended);
            }
        }
    }

    /// <summary>
    /// The pulls the journal held an annotation for at open (<see cref="RecoveredAnnotations"/>) are back with their maker,
    /// durably: the next write rewrites the file without those of ended pulls.
    /// </summary>
    public void ReleaseRecovered()
    {
        lock (_gate)
        {
            foreach (var annotation in _recovered)
            {
                annotation.Flushed();
            }

            _compactSoon = _recovered.Count > 0;
            _recovered.Clear();
        }
    }

    /// <summary>Keeps an ended pull's record for its annotation; as the set grows, drops the ones made durable since (under the gate).</summary>
    private void Keep(FetchCapability capability, OpenPull ended)
    {
        _kept[capability] = ended;
        if (_kept.Count < _keptPruneAt)
        {
            return;
        }

        foreach (var (kept, pull) in _kept)
        {
            if (pull.Annotation!.IsFlushed)
            {
                _kept.Remove(kept);
            }
        }

        _keptPruneAt = Math.Max(64, _kept.Count * 2);
    }

    /// <summary>Whether a pull of <paramref name="capability"/> is open.</summary>
    public bool IsOpen(FetchCapability capability)
    {
        lock (_gate)
        {
            return _open.ContainsKey(capability);
        }
    }

    /// <summary>Writes the ended records still buffered and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        try
        {
            await WritersStoppedAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Its waiters saw the failure; the close goes on.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        // The flusher has stopped and no record can be added any more: the rest is ours.
        try
        {
            if (_fault is null && _batch.WrittenCount > 0)
            {
                RandomAccess.Write(_file, _batch.WrittenSpan, _length);
                _length += _batch.WrittenCount;
            }
        }
        finally
        {
            _file.Dispose();
        }
    }

    /// <summary>Closes the file without writing what is buffered, as a crash would leave it (tests).</summary>
    internal async ValueTask CloseWithoutFlushAsync()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        await WritersStoppedAsync().ConfigureAwait(false);
        _file.Dispose();
    }

    /// <summary>
    /// Once disposed (no record begins any more): waits until no writer runs. A writer on a caller's thread may hand the
    /// batches begun during its write to the pool's writer, so the one awaited may not be the last.
    /// </summary>
    private async Task WritersStoppedAsync()
    {
        while (true)
        {
            Task flushing;
            lock (_gate)
            {
                if (!_flusherRunning)
                {
                    return;
                }

                flushing = _flushing;
            }

            await flushing.ConfigureAwait(false);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_fault is not null)
        {
            throw new IOException($"The pull journal '{_path}' could not be written; no pull begins.", _fault);
        }
    }

    private static TaskCompletionSource NewBatch() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static SafeFileHandle OpenHandle(string path, bool durable) =>
        durable ? DataSyncFile.OpenExisting(path) : File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);

    /// <summary>An open pull: its begun record (what a rewrite keeps), the write that made it durable and the annotation it carries.</summary>
    private sealed record OpenPull(byte[] Record, Task Durable, PullAnnotation? Annotation = null);
}
