using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using FASTER.core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>
/// The sender's reliability buffer (docs/ARCHITECTURE.md §3.2–§3.4): blobs in expiry-bucketed FasterLogs, submissions
/// and delivery state changes in a journal FasterLog committed by one group-commit loop, and an in-memory index
/// (capability → delivery, message id → blob) checkpointed to a file and rebuilt by journal replay.
/// Thread-safe.
/// </summary>
public sealed partial class TransitStore : IAsyncDisposable
{
    /// <summary>
    /// Called under the store's index lock for each delivery that leaves Outstanding after the store opened (fetched,
    /// retracted, expired, transferred; never for what recovery replays): the sender's delivery journal as the client API's
    /// <c>delivery_changed</c> event sees it (docs/C2S.md §15), and a gateway's contact plan counting the bytes fetched in
    /// each window. It must be quick and never call back into the store; several owners combine with <c>+=</c>.
    /// </summary>
    public Action<DeliveryTransition>? Transitioned { get; set; }

    /// <summary>
    /// Called under the store's index lock once for each blob that reaches its transit expiry with a delivery still
    /// Outstanding, when the sweep removes it from the index, after those deliveries were journaled Expired: a crash and
    /// recovery never report the same blob again. It must be quick and never call back into the store. What sweeps found
    /// while it was unset (the sweep at open, before anyone could set it) is kept for <see cref="TakeUnreportedExpiries"/>.
    /// </summary>
    public Action<BlobExpiry>? BlobExpired { get; set; }

    /// <summary>
    /// The expiry records made while <see cref="BlobExpired"/> was unset — the sweep at open (blobs that expired while the
    /// node was down) and any before the owner set it — each returned once; at most <see cref="MaxUnreportedExpiries"/>
    /// are kept (the rest are counted in <see cref="BlobsExpired"/> only), so a store whose owner never listens holds no more.
    /// </summary>
    public IReadOnlyList<BlobExpiry> TakeUnreportedExpiries()
    {
        lock (_index)
        {
            var taken = _unreportedExpiries.ToArray();
            _unreportedExpiries.Clear();
            return taken;
        }
    }

    /// <summary>Blobs expired with a delivery still Outstanding since the store opened (each once, <see cref="BlobExpired"/>).</summary>
    public long BlobsExpired => Volatile.Read(ref _blobsExpired);

    /// <summary>Returned by <see cref="ReadAsync"/> for a capability that is unknown, expired or retracted.</summary>
    public const int NotFound = -1;

    /// <summary>Most recipients in one submission.</summary>
    public const int MaxRecipients = 1000;

    /// <summary>Most expiry records kept for <see cref="TakeUnreportedExpiries"/>.</summary>
    public const int MaxUnreportedExpiries = 4096;

    /// <summary>Most capabilities in one journaled expiry record (32 bytes each: 32 KiB, well inside a journal page).</summary>
    private const int ExpiryRecordCapabilities = 1024;

    private readonly TransitStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly FreeSpaceProbe _freeSpace;
    private readonly ILogger _logger;
    private readonly string _blobsDirectory;
    private readonly string _indexDirectory;
    private readonly IDevice _journalDevice;
    private readonly FasterLog _journal;
    private readonly SlotCommitManager _journalCommits;
    private readonly GroupCommitter _committer;
    private readonly TransitMetrics _metrics;
    private readonly long _bucketWidthMs;

    // Faulted by the first commit whose data sync or commit record failed in any of the store's logs: FasterLog
    // swallows that failure, so without this the commit loop would wait for the commit forever.
    private readonly TaskCompletionSource _commitFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<Exception> _commitFailed;

    // One lock guards the index, the ledger and the bucket table; held only for in-memory work.
    private readonly object _index = new();
    private readonly Dictionary<FetchCapability, DeliveryEntry> _deliveries = [];
    private readonly Dictionary<MessageId, BlobEntry> _blobs = [];
    private readonly Dictionary<BucketWindow, BucketLog> _buckets = [];

    // Windows whose bucket log is being opened, outside the lock (OpenBucketAsync).
    private readonly Dictionary<BucketWindow, Task> _bucketOpens = [];
    private readonly HashSet<BucketLog> _truncateQueue = [];

    // Blobs whose deliveries are all done, the last fetched within the grace: their bytes stay pinned until the sweep after it.
    private readonly HashSet<BlobEntry> _graced = [];
    private readonly TransitLedger _ledger = new();
    private readonly ExpiryIndex _expiries = new();
    private readonly List<BlobExpiry> _unreportedExpiries = [];
    private readonly Action<JournalOp> _applySubmission;
    private readonly Action<JournalOp> _applyStateChange;

    // Serializes sweeps, reclamation and checkpoints.
    private readonly SemaphoreSlim _maintenance = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _maintenanceLoop = Task.CompletedTask;
    private long _lastApplied = -1;
    private long _blobsExpired;
    private int _disposed;

    private TransitStore(TransitStoreOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _freeSpace = new FreeSpaceProbe(options.DiskSpace, options.DataDirectory);
        _logger = logger;
        _bucketWidthMs = (long)options.ExpiryBucketWidth.TotalMilliseconds;
        var root = Path.Combine(options.DataDirectory, "transit");
        var journalDirectory = Path.Combine(root, "journal");
        _blobsDirectory = Path.Combine(root, "blobs");
        _indexDirectory = Path.Combine(root, "index");
        Directory.CreateDirectory(journalDirectory);
        Directory.CreateDirectory(_blobsDirectory);
        Directory.CreateDirectory(_indexDirectory);

        _commitFailed = ex => _commitFailure.TrySetException(ex);
        (_journalDevice, _journalCommits, var fastCommit) = LogDeviceFactory.Open(Path.Combine(journalDirectory, "journal.log"), Path.Combine(journalDirectory, "commits"), options.JournalLogWrites, TransitLogWrites.PageCache, options.FastCommitMetadataInterval, startWriteback: false, _commitFailed);
        _journal = new FasterLog(LogDeviceFactory.Settings(_journalDevice, _journalCommits, fastCommit, options.JournalPageSizeBits, options.JournalMemorySizeBits, options.JournalSegmentSizeBits));
        LogDeviceFactory.Recovered(_journalDevice, _journal);
        _metrics = new TransitMetrics(this);
        _committer = new GroupCommitter(_journal, ApplyBatch, _commitFailure.Task, _metrics.CommitDuration, logger, options.MarkCommitDelay);
        _applySubmission = ApplySubmission;
        _applyStateChange = ApplyStateChange;
    }

    /// <summary>
    /// Opens (or creates) the store under <see cref="TransitStoreOptions.DataDirectory"/>: validates the options, loads the
    /// latest index checkpoint, replays the journal after it, and expires what passed its expiry while the node was down.
    /// </summary>
    public static async Task<TransitStore> OpenAsync(TransitStoreOptions options, TimeProvider? timeProvider = null, ILogger<TransitStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var store = new TransitStore(options, timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var replayed = await store.RecoverAsync().ConfigureAwait(false);
            store._committer.Start();
            await store.SweepAsync(store._time.GetUtcNow()).ConfigureAwait(false);
            lock (store._index)
            {
                // Inline blobs the journal gave back may already be more than the store holds in memory.
                store.SettleIfTooMuchHeldLocked();
            }

            if (options.CheckpointInterval != Timeout.InfiniteTimeSpan || options.SweepInterval != Timeout.InfiniteTimeSpan)
            {
                store._maintenanceLoop = Task.Run(store.MaintainAsync);
            }

            TransitLogMessages.Opened(store._logger, options.DataDirectory, store._blobs.Count, store._deliveries.Count, replayed, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return store;
        }
        catch
        {
            await store.DisposeCoreAsync(checkpoint: false).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Live bytes, byte-seconds and deliveries by state of an account (docs/ARCHITECTURE.md §3.4).</summary>
    public TransitStats GetAccountStats(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        lock (_index)
        {
            return _ledger.AccountStats(account, NowMs);
        }
    }

    /// <summary>Live bytes, byte-seconds and deliveries by state of a destination domain.</summary>
    public TransitStats GetDomainStats(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var normalized = DomainName.Normalize(domain);
        lock (_index)
        {
            return _ledger.DomainStats(normalized, NowMs);
        }
    }

    /// <summary>Name of the store's meter (<see cref="System.Diagnostics.Metrics"/>); each store's meter has the store as its scope.</summary>
    public const string MeterName = "Tern.Transit";

    /// <summary>The histogram of seconds each group commit took to become durable (unit <c>s</c>), on <see cref="MeterName"/>.</summary>
    public const string CommitDurationInstrument = "tern.transit.commit.duration";

    /// <summary>Commits made by the group-commit loop so far (each one shared by every entry of its batch).</summary>
    public long CommitCount => _committer.Commits;

    /// <summary>Bucket-log commits those commits made (a commit of inline submissions alone makes none).</summary>
    internal long BucketCommitCount => _committer.BucketCommits;

    /// <summary>Stops maintenance, drains the commit loop, takes a final checkpoint and closes the logs.</summary>
    public ValueTask DisposeAsync() => DisposeCoreAsync(checkpoint: true);

    /// <summary>Closes without the final checkpoint, as a crash after the last commit would leave the files (tests).</summary>
    internal ValueTask CloseWithoutCheckpointAsync() => DisposeCoreAsync(checkpoint: false);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async ValueTask DisposeCoreAsync(bool checkpoint)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _maintenanceLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await AwaitSettlingAsync().ConfigureAwait(false);
        try
        {
            if (checkpoint)
            {
                await CheckpointAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await _committer.DisposeAsync().ConfigureAwait(false);
            foreach (var bucket in _buckets.Values)
            {
                bucket.Dispose();
            }

            _journal.Dispose();
            _journalCommits.Dispose();
            _journalDevice.Dispose();
            _maintenance.Dispose();
            _stop.Dispose();
            _metrics.Dispose();
        }
    }

    /// <summary>Applies a committed batch in journal order; called by the commit loop.</summary>
    private void ApplyBatch(List<JournalOp> batch)
    {
        lock (_index)
        {
            foreach (var op in batch)
            {
                if (op.Apply is not null)
                {
                    op.Apply(op);
                    _lastApplied = op.Address;
                }
            }
        }
    }

    /// <summary>The window's bucket, or a placeholder without a log (files gone) added for it; never opens a log.</summary>
    private BucketLog BucketLocked(BucketWindow window)
    {
        if (!_buckets.TryGetValue(window, out var bucket))
        {
            bucket = BucketLog.Missing(window, Path.Combine(_blobsDirectory, window.DirectoryName));
            _buckets[window] = bucket;
        }

        return bucket;
    }

    /// <summary>The window's bucket when its log is open for writing; otherwise <see cref="OpenBucketAsync"/> opens it.</summary>
    private bool TryGetWritableBucketLocked(BucketWindow window, [NotNullWhen(true)] out BucketLog? bucket)
        => _buckets.TryGetValue(window, out bucket) && bucket.Log is not null;

    /// <summary>
    /// Opens the log of the window's bucket unless it is open, outside the index lock: FasterLog reads the device while it
    /// opens, and the device's reads complete on the thread pool, so an open under the lock that every submission and
    /// read takes would leave the pool's threads waiting on it for the one completion it needs (64 submissions to a new
    /// bucket took ~50 s, the pool growing a thread at a time). Concurrent callers for one window await the one open,
    /// which runs on a pool thread of its own.
    /// </summary>
    private Task OpenBucketAsync(BucketWindow window)
    {
        TaskCompletionSource opening;
        lock (_index)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (TryGetWritableBucketLocked(window, out _))
            {
                return Task.CompletedTask;
            }

            if (_bucketOpens.TryGetValue(window, out var inFlight))
            {
                return inFlight;
            }

            opening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _bucketOpens.Add(window, opening.Task);
        }

        // On a pool thread of its own: the open waits for the disk, and the caller may be a socket's thread.
        _ = Task.Run(() => OpenBucket(window, opening));
        return opening.Task;
    }

    private void OpenBucket(BucketWindow window, TaskCompletionSource opening)
    {
        try
        {
            var opened = BucketLog.Open(window, Path.Combine(_blobsDirectory, window.DirectoryName), _options, _commitFailed);
            lock (_index)
            {
                _bucketOpens.Remove(window);
                if (_buckets.TryGetValue(window, out var missing))
                {
                    // A bucket known only from the journal (its files were gone at recovery) gets a log for new
                    // submissions; its old blobs keep pointing at the missing log, so they stay unreadable, and still
                    // expire with the bucket.
                    opened.Blobs.AddRange(missing.Blobs);
                }

                _buckets[window] = opened;
            }

            opening.SetResult();
        }
        catch (Exception e)
        {
            lock (_index)
            {
                _bucketOpens.Remove(window);
            }

            opening.SetException(e);
        }
    }

    private void IndexBlobLocked(BlobEntry blob, BucketLog bucket)
    {
        blob.Bucket = bucket;
        _blobs.Add(blob.Id, blob);
        foreach (var d in blob.Deliveries)
        {
            _deliveries.Add(d.Capability, d);
        }

        bucket.Blobs.Add(blob);
        _expiries.Indexed(blob);
    }

    /// <summary>Moves a Outstanding delivery to a final state, charging the ledger and unpinning a blob that died.</summary>
    private bool TransitionLocked(DeliveryEntry delivery, DeliveryState to, long atMs)
    {
        if (delivery.State != DeliveryState.Outstanding)
        {
            return false;
        }

        var blob = delivery.Blob;
        delivery.State = to;
        blob.OutstandingCount--;
        _expiries.LeftOutstanding(delivery);
        if (to == DeliveryState.Fetched && atMs > blob.LastFetchedMs)
        {
            blob.LastFetchedMs = atMs;
        }

        var died = blob.OutstandingCount == 0;
        _ledger.Transitioned(blob, delivery, to, died, atMs);
        Transitioned?.Invoke(new DeliveryTransition(blob.Account, blob.Id, delivery.Capability, to) { Domain = delivery.Domain, Size = blob.Size });
        if (died && blob.Size > 0 && (blob.Inline is not null || blob.Bucket is { Log: not null }))
        {
            if (GraceUntil(blob) is var until && until > NowMs)
            {
                // A recipient that crashed after the last byte left may come back for it (§9): the pin (or the bytes
                // held in memory) stays.
                blob.GraceUntilMs = until;
                _graced.Add(blob);
            }
            else
            {
                ReleaseBytesLocked(blob);
            }
        }

        return true;
    }

    /// <summary>Lets a dead blob's bytes go: held in memory, dropped; in its bucket, unpinned for the next truncation.</summary>
    private void ReleaseBytesLocked(BlobEntry blob)
    {
        if (blob.Inline is not null)
        {
            DropInlineLocked(blob);
        }
        else if (blob.FirstChunk >= 0 && blob.Bucket is { Log: not null } bucket)
        {
            bucket.RemoveLive(blob.FirstChunk);
            _truncateQueue.Add(bucket);
        }
    }

    /// <summary>The end of the blob's fetched grace (<see cref="TransitStoreOptions.FetchedGrace"/>), or 0 when it has none.</summary>
    private long GraceUntil(BlobEntry blob) =>
        blob.LastFetchedMs <= 0 || _options.FetchedGrace <= TimeSpan.Zero ? 0 : Math.Min(blob.LastFetchedMs + (long)_options.FetchedGrace.TotalMilliseconds, blob.ExpiryMs);

    /// <summary>Unpins the bytes of every blob whose fetched grace ended by <paramref name="nowMs"/>; the next truncation may free them.</summary>
    private void ReleaseGraceLocked(long nowMs)
    {
        List<BlobEntry>? ended = null;
        foreach (var blob in _graced)
        {
            if (blob.GraceUntilMs <= nowMs)
            {
                (ended ??= []).Add(blob);
            }
        }

        if (ended is null)
        {
            return;
        }

        foreach (var blob in ended)
        {
            _graced.Remove(blob);
            blob.GraceUntilMs = 0;
            ReleaseBytesLocked(blob);
        }
    }
}
