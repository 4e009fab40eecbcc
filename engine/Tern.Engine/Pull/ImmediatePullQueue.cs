using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Loops;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// Bridges the ingest loop to the <see cref="PullWorker"/>: the sink hands over (capability, hash, sequence) without
/// blocking or allocating a reference object; a pump thread reads the reference back from the pending table and begins
/// its pull (<see cref="PullWorker.TryBeginOrEnqueue"/>) or queues it on the worker. A reference removed in between (a
/// client fetched it, the sender retracted it) is skipped.
/// <para>The pump is a thread of its own that sleeps in <see cref="Monitor.Wait(object)"/>, as the message commit log's
/// writer does: the ingest's hand-over wakes it directly (one futex wake, no spinning), where a task reading a channel
/// waited for a thread-pool worker to be woken first, and then the pull worker's for a second. The ingest holds the
/// queue's lock only to add one entry, and the pump only to take one (never across I/O), so the ingest never waits on
/// the disk or the pull.</para>
/// </summary>
public sealed class ImmediatePullQueue : IImmediatePullQueue, IAsyncDisposable
{
    private readonly PendingTable _pending;
    private readonly PullWorker _worker;
    private readonly ILogger _logger;
    private readonly int _capacity;

    // The references waiting for the pump, under _gate (which the pump waits on). It grows to the busiest backlog seen
    // and stays: the ingest allocates nothing per reference once it has.
    private readonly object _gate = new();
    private readonly Queue<(FetchCapability Capability, RecipientHash Hash, ulong Sequence, PullAnnotation? Annotation)> _waiting = new();
    private readonly TaskCompletionSource _pumpEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _started;
    private bool _pumpWaits;
    private bool _completed;
    private long _handedOver;
    private long _vanished;
    private long _refused;

    /// <summary>Creates the queue; call <see cref="Start"/> to begin handing references to <paramref name="worker"/>.</summary>
    /// <param name="pending">The table the ingest files references in.</param>
    /// <param name="worker">The started worker that pulls them.</param>
    /// <param name="capacity">How many references may wait here; beyond it the ingest leaves them pending for a client.</param>
    /// <param name="logger">Where a reference the pump could not hand over is reported.</param>
    public ImmediatePullQueue(PendingTable pending, PullWorker worker, int capacity = 10_000, ILogger<ImmediatePullQueue>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _pending = pending;
        _worker = worker;
        _capacity = capacity;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>References handed to the worker (its pull begun or queued).</summary>
    public long HandedOver => Interlocked.Read(ref _handedOver);

    /// <summary>References gone from the table before the pump reached them.</summary>
    public long Vanished => Interlocked.Read(ref _vanished);

    /// <summary>References the worker's own queue refused (full): they stay pending.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>References the pump failed to read back or hand over (<see cref="LoopErrorKind.Unexpected"/>): they stay pending, the pump goes on.</summary>
    public LoopErrors Errors { get; } = new();

    /// <summary>Starts the pump.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
        }

        new Thread(Pump) { IsBackground = true, Name = "tern-pull-pump" }.Start();
    }

    /// <inheritdoc />
    public bool TryEnqueue(FetchCapability capability, RecipientHash recipientHash, ulong sequence, PullAnnotation? annotation = null)
    {
        if (sequence == 0)
        {
            return false;
        }

        lock (_gate)
        {
            if (_completed || _waiting.Count >= _capacity)
            {
                return false;
            }

            _waiting.Enqueue((capability, recipientHash, sequence, annotation));
            if (_pumpWaits)
            {
                Monitor.Pulse(_gate);
            }

            return true;
        }
    }

    /// <summary>The pump's thread: hands over each reference in turn, sleeping while there is none, until completed and empty.</summary>
    private void Pump()
    {
        try
        {
            while (true)
            {
                (FetchCapability Capability, RecipientHash Hash, ulong Sequence, PullAnnotation? Annotation) next;
                bool last;
                lock (_gate)
                {
                    while (_waiting.Count == 0)
                    {
                        if (_completed)
                        {
                            return;
                        }

                        _pumpWaits = true;
                        Monitor.Wait(_gate);
                        _pumpWaits = false;
                    }

                    next = _waiting.Dequeue();
                    last = _waiting.Count == 0;
                }

                try
                {
                    HandOver(next.Capability, next.Hash, next.Sequence, last, next.Annotation);
                }
#pragma warning disable CA1031 // One reference that cannot be read back (a table error) must not end the pump for all later ones.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (Errors.Record(LoopErrorKind.Unexpected, out var unlogged))
                    {
                        PullLogMessages.HandOverFailed(_logger, next.Capability.ToString(), unlogged, ex);
                    }
                }
                finally
                {
                    // Carried by the pull's record only if that record was begun before the pull's first wait: the
                    // annotation's maker waits for this answer (its line's order), so it comes now, not at the record.
                    next.Annotation?.Release();
                }
            }
        }
        finally
        {
            _pumpEnded.TrySetResult();
        }
    }

    /// <summary>
    /// Hands one reference to the worker; with <paramref name="last"/> (none waits behind it), its pull may also write its
    /// journal record on this thread, so it runs from the filing to its fetch request without a hop. A pull begun here
    /// carries <paramref name="annotation"/> in its record when the record is begun before the pull's first wait.
    /// </summary>
    private void HandOver(FetchCapability capability, RecipientHash hash, ulong sequence, bool last, PullAnnotation? annotation)
    {
        // The reference filed at `sequence` is the first one after `sequence - 1`, unless it is gone already.
        var page = _pending.Poll(hash, sequence - 1, 1);
        if (page.References.Count == 0 || page.References[0].Capability != capability)
        {
            Interlocked.Increment(ref _vanished);
        }
        else if (_worker.TryBeginOrEnqueue(hash, page.References[0], journalHere: last, annotation))
        {
            Interlocked.Increment(ref _handedOver);
        }
        else
        {
            Interlocked.Increment(ref _refused);
        }
    }

    /// <summary>Stops taking references and waits for the pump to hand over what it holds.</summary>
    public async ValueTask DisposeAsync()
    {
        bool started;
        lock (_gate)
        {
            _completed = true;
            started = _started;
            Monitor.Pulse(_gate);
        }

        if (started)
        {
            await _pumpEnded.Task.ConfigureAwait(false);
            return;
        }

        // Never started: nothing hands these over, and their annotations' makers wait for an answer.
        lock (_gate)
        {
            while (_waiting.TryDequeue(out var waiting))
            {
                waiting.Annotation?.Release();
            }
        }
    }
}
