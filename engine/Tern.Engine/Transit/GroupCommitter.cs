using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace Tern.Engine.Transit;

/// <summary>
/// The one commit loop of the transit store (docs/ARCHITECTURE.md §3.1): producers enqueue journal entries, the loop
/// commits every bucket log they wrote and the journal together, then applies the batch to the index in journal
/// order and completes the waiters. Many submissions share one commit.
/// </summary>
internal sealed class GroupCommitter : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly FasterLog _journal;
    private readonly Action<List<JournalOp>> _applyBatch;
    private readonly ILogger _logger;
    private readonly Histogram<double> _commitDuration;
    private readonly Task _commitFailure;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly HashSet<BucketLog> _dirtyScratch = [];
    private readonly List<Task> _commitScratch = [];
    private readonly TimeSpan _deferredDelay;
    private readonly Timer _deferredTimer;
    private List<JournalOp> _queue = [];
    private List<JournalOp> _spare = [];
    private bool _signalled;

    // A deferred entry waits in the queue and the timer is set to ask for its commit; a batch taken meanwhile carries it.
    private bool _deferredWaiting;
    private bool _stopping;
    private Exception? _fault;
    private Task _loop = Task.CompletedTask;

    /// <param name="journal">The journal the entries go to.</param>
    /// <param name="applyBatch">Applies a committed batch to the index, in journal order.</param>
    /// <param name="commitFailure">Faults when a log's commit fails inside FasterLog's commit worker, which swallows the
    /// failure and never completes the commit (see <see cref="SlotCommitManager"/>).</param>
    /// <param name="commitDuration">Where the seconds each commit took to become durable are recorded.</param>
    /// <param name="logger">Where a failed commit is logged.</param>
    /// <param name="deferredDelay">Longest a <see cref="JournalOp.Deferred"/> entry waits for another entry's commit.</param>
    public GroupCommitter(FasterLog journal, Action<List<JournalOp>> applyBatch, Task commitFailure, Histogram<double> commitDuration, ILogger logger, TimeSpan deferredDelay)
    {
        _deferredDelay = deferredDelay;
        _deferredTimer = new Timer(static state => ((GroupCommitter)state!).SignalDeferred(), this, Timeout.Infinite, Timeout.Infinite);
        _commitDuration = commitDuration;
        _journal = journal;
        _commitFailure = commitFailure;
        _applyBatch = applyBatch;
        _logger = logger;
    }

    /// <summary>Number of commits so far (for tests and metrics).</summary>
    public long Commits { get; private set; }

    /// <summary>Bucket-log commits the commits made so far (a batch of inline submissions makes none).</summary>
    public long BucketCommits { get; private set; }

    /// <summary>True once <see cref="Start"/> ran: entries enqueued are committed.</summary>
    public bool Started { get; private set; }

    public void Start()
    {
        Started = true;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Appends the entry to the journal (in the order it will be applied) and returns when it is durable and applied.</summary>
    public Task EnqueueAsync(JournalOp op)
    {
        bool signal;
        lock (_gate)
        {
            if (_fault is not null)
            {
                throw new IOException("The transit store's commit loop failed; no further writes are accepted.", _fault);
            }

            ObjectDisposedException.ThrowIf(_stopping, this);
            if (op.Record is not null)
            {
                op.Address = _journal.Enqueue(op.Record.AsSpan(0, op.Length));
                ArrayPool<byte>.Shared.Return(op.Record);
                op.Record = null;
            }

            _queue.Add(op);
            if (op.Deferred && _deferredDelay > TimeSpan.Zero)
            {
                signal = false;
                if (!_deferredWaiting && !_signalled)
                {
                    _deferredWaiting = true;
                    _deferredTimer.Change(_deferredDelay, Timeout.InfiniteTimeSpan);
                }
            }
            else
            {
                signal = !_signalled;
                _signalled = true;
            }
        }

        if (signal)
        {
            _signal.Release();
        }

        return op.Done.Task;
    }

    /// <summary>
    /// Appends the entries to the journal in their order, all in one batch (so one commit makes them all durable), and
    /// returns when the last is durable and applied; the others are then too.
    /// </summary>
    public Task EnqueueManyAsync(IReadOnlyList<JournalOp> ops)
    {
        if (ops.Count == 0)
        {
            return Task.CompletedTask;
        }

        bool signal;
        lock (_gate)
        {
            if (_fault is not null)
            {
                throw new IOException("The transit store's commit loop failed; no further writes are accepted.", _fault);
            }

            ObjectDisposedException.ThrowIf(_stopping, this);
            for (var i = 0; i < ops.Count; i++)
            {
                var op = ops[i];
                op.Address = _journal.Enqueue(op.Record.AsSpan(0, op.Length));
                ArrayPool<byte>.Shared.Return(op.Record!);
                op.Record = null;
                _queue.Add(op);
            }

            signal = !_signalled;
            _signalled = true;
        }

        if (signal)
        {
            _signal.Release();
        }

        return ops[^1].Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _stopping = true;
        }

        _signal.Release();
        await _loop.ConfigureAwait(false);
        await _deferredTimer.DisposeAsync().ConfigureAwait(false);
        _signal.Dispose();
    }

    /// <summary>The deferred entries waited long enough: commit them, unless a batch already took them.</summary>
    private void SignalDeferred()
    {
        lock (_gate)
        {
            if (!_deferredWaiting || _signalled)
            {
                return;
            }

            _deferredWaiting = false;
            _signalled = true;
        }

        _signal.Release();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            List<JournalOp> batch;
            bool stopping;
            lock (_gate)
            {
                batch = _queue;
                _queue = _spare;
                _signalled = false;
                _deferredWaiting = false;
                stopping = _stopping;
            }

            if (batch.Count > 0)
            {
                await CommitBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }

            lock (_gate)
            {
                _spare = batch;
                if (stopping && _queue.Count == 0)
                {
                    return;
                }
            }
        }
    }

    private async Task CommitBatchAsync(List<JournalOp> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            _dirtyScratch.Clear();
            _commitScratch.Clear();
            foreach (var op in batch)
            {
                if (op.Bucket?.Log is { } log && _dirtyScratch.Add(op.Bucket))
                {
                    _commitScratch.Add(log.CommitAsync().AsTask());
                }
            }

            // The journal and the buckets commit in parallel; recovery drops a submission whose chunks did not reach
            // its bucket's commit, which can only be one that was never acknowledged. A batch of inline submissions
            // (their bytes in their records) has no bucket to commit: the journal's write is the only wait.
            _commitScratch.Add(_journal.CommitAsync().AsTask());
            var committed = Task.WhenAll(_commitScratch);
            if (await Task.WhenAny(committed, _commitFailure).ConfigureAwait(false) != committed)
            {
                await _commitFailure.ConfigureAwait(false);
            }

            await committed.ConfigureAwait(false);
            _commitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            Commits++;
            BucketCommits += _dirtyScratch.Count;
            _applyBatch(batch);
        }
        catch (Exception ex)
        {
            TransitLogMessages.CommitFailed(_logger, ex);
            lock (_gate)
            {
                _fault ??= ex;
            }

            foreach (var op in batch)
            {
                op.Done.TrySetException(new IOException("The transit store could not commit; the operation is not durable.", ex));
            }

            return;
        }

        foreach (var op in batch)
        {
            op.Done.TrySetResult();
        }
    }
}
